import type { Context, Middleware } from 'koa';
import { idpText, textOf, type IdpSaid } from '../i18n/text.js';
import { renderPage } from './render.js';

/** Stops the request with an error page (or JSON) that says `said` in the reader's language. */
export function refuse(ctx: Pick<Context, 'throw'>, status: number, said: IdpSaid): never {
  return ctx.throw(status, typeof said === 'string' ? said : said.key, { said });
}

/** Last line of defence: the client sees a short message, never a stack trace; the log gets the detail. */
export function errorHandler(): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && !ctx.body) await respond(ctx, 404, 'not_found', 'common.notFound');
    } catch (err) {
      const status = typeof (err as { status?: unknown }).status === 'number' ? (err as { status: number }).status : 500;
      if (status >= 500) console.error(`[idp] ${ctx.method} ${ctx.path} failed:`, err);
      // Only a catalogue message reaches a person: a library's own text (koa's 'Not Found') is not ours to show.
      const said = (err as { said?: IdpSaid }).said
        ?? (status >= 500 ? 'common.serverError' : status === 404 ? 'common.notFound' : 'common.badRequest');
      await respond(ctx, status, status >= 500 ? 'server_error' : status === 404 ? 'not_found' : 'bad_request', said);
    }
  };
}

async function respond(ctx: Context, status: number, code: string, said: IdpSaid) {
  ctx.status = status;
  // The admin API speaks English.
  const api = ctx.path.includes('/admin/') || ctx.accepts('html', 'json') === 'json';
  const text = api ? idpText('en') : textOf(ctx);
  const message = text.say(said);
  if (api) {
    ctx.body = { error: { code, message } };
    return;
  }
  ctx.type = 'html';
  try {
    ctx.body = await renderPage(ctx, 'idp/error', { title: text.t('common.errorTitle'), message, code });
  } catch (err) {
    console.error('[idp] the error page failed to render:', err);
    ctx.body = STATIC_ERROR_PAGE;
  }
}

/** Shown when even the error page cannot be rendered: no template, no request data, both languages. */
const STATIC_ERROR_PAGE = '<!doctype html><html lang="ja"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
  + '<title>エラー / Error</title><link rel="stylesheet" href="/static/kenpo.css"></head><body><main class="container"><h1>エラーが発生しました</h1>'
  + '<p class="error" role="alert">サーバーでエラーが発生しました。しばらくしてからもう一度お試しください。</p>'
  + '<p class="error" lang="en">A server error occurred. Please try again in a little while.</p></main></body></html>';
