import type { Middleware } from 'koa';
import { renderPage } from './render.js';

/** Last line of defence: the client sees a short message, never a stack trace; the log gets the detail. */
export function errorHandler(): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && !ctx.body) {
        await respond(ctx, 404, 'not_found', 'ページが見つかりません。URLをご確認ください。');
      }
    } catch (err) {
      const status = typeof (err as { status?: unknown }).status === 'number' ? (err as { status: number }).status : 500;
      if (status >= 500) console.error(`[idp] ${ctx.method} ${ctx.path} failed:`, err);
      const expose = status < 500 && (err as { expose?: boolean }).expose !== false;
      await respond(ctx, status, status >= 500 ? 'server_error' : 'bad_request',
        expose ? (err as Error).message : 'サーバーでエラーが発生しました。しばらくしてからもう一度お試しください。');
    }
  };
}

async function respond(ctx: Parameters<Middleware>[0], status: number, code: string, message: string) {
  ctx.status = status;
  if (ctx.path.includes('/admin/') || ctx.accepts('html', 'json') === 'json') {
    ctx.body = { error: { code, message } };
  } else {
    ctx.type = 'html';
    try {
      ctx.body = await renderPage('idp/error', { title: 'エラー', message, code });
    } catch (err) {
      console.error('[idp] the error page failed to render:', err);
      ctx.body = STATIC_ERROR_PAGE;
    }
  }
}

/** Shown when even the error page cannot be rendered: no template, no request data. */
const STATIC_ERROR_PAGE = '<!doctype html><html lang="ja"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
  + '<title>エラー</title><link rel="stylesheet" href="/static/kenpo.css"></head><body><main class="container"><h1>エラーが発生しました</h1>'
  + '<p class="error" role="alert">サーバーでエラーが発生しました。しばらくしてからもう一度お試しください。</p></main></body></html>';
