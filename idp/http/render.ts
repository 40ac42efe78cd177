import path from 'node:path';
import ejs from 'ejs';
import { viewsDir } from '../paths.js';

const cache = process.env.NODE_ENV !== 'development';

/** Renders `views/<view>.ejs` inside `views/layout.ejs`. EJS escapes every `<%=` value. */
export async function renderPage(view: string, locals: Record<string, unknown> & { title: string }): Promise<string> {
  const options = { cache, async: true };
  const body = await ejs.renderFile(path.join(viewsDir, `${view}.ejs`), locals, options);
  return ejs.renderFile(path.join(viewsDir, 'layout.ejs'), { brand: undefined, header: undefined, ...locals, body }, options);
}
