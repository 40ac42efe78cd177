import type { Middleware } from 'koa';
import { LOCALE_COOKIE, supportedLocale } from '../../i18n/locale.js';

const ONE_YEAR_MS = 365 * 24 * 60 * 60 * 1000;

/**
 * The language switch is a link to the same page with `?lang=en`: this request already reads it
 * (idp/i18n/text.ts), and the cookie keeps the choice for this browser's next pages.
 */
export function rememberLanguageSwitch(options: { https: boolean }): Middleware {
  return async (ctx, next) => {
    const chosen = ctx.method === 'GET' && typeof ctx.query.lang === 'string' ? supportedLocale(ctx.query.lang) : undefined;
    if (chosen) {
      ctx.cookies.set(LOCALE_COOKIE, chosen, { signed: false, httpOnly: true, sameSite: 'lax', secure: options.https, maxAge: ONE_YEAR_MS, overwrite: true });
    }
    await next();
  };
}
