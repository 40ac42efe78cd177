import fs from 'node:fs/promises';
import path from 'node:path';
import type { Middleware } from 'koa';
import { projectRoot, viewsDir } from '../../project/paths.js';

const TYPES: Record<string, string> = { '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.svg': 'image/svg+xml' };
const staticDir = path.join(viewsDir, 'static');
/** Browser libraries served from node_modules under a fixed name (never fetched from a CDN). */
const VENDORED: Record<string, string> = {
  'simplewebauthn-browser.js': path.join(projectRoot, 'node_modules/@simplewebauthn/browser/dist/bundle/index.umd.min.js'),
};

/** Serves `views/static/<file>` at `/static/<file>`: flat names only, no traversal. */
export function staticAssets(): Middleware {
  return async (ctx, next) => {
    // Browsers ask every origin for /favicon.ico (pages we do not render too, like form_post's).
    const match = ctx.path === '/favicon.ico' ? [ctx.path, 'favicon.svg'] : /^\/static\/([a-z0-9][a-z0-9._-]*)$/i.exec(ctx.path);
    const type = match && TYPES[path.extname(match[1])];
    if (!match || !type || ctx.method !== 'GET') return next();
    try {
      ctx.body = await fs.readFile(VENDORED[match[1]] ?? path.join(staticDir, match[1]));
      ctx.type = type;
      ctx.set('Cache-Control', 'public, max-age=3600');
    } catch {
      return next();
    }
  };
}
