import type { Context } from 'koa';
import { translatorFor, type MessageKey, type Said, type Translator } from '../../i18n/catalogue.js';
import { chooseLocale, LOCALE_COOKIE, type Locale, type LocaleHints } from '../../i18n/locale.js';
import { en } from './en.js';
import { ja, type IdpCatalogue } from './ja.js';

export type IdpKey = MessageKey<IdpCatalogue>;
/** A message a domain module chose, put into words by the page or mail that shows it. */
export type IdpSaid = Said<IdpCatalogue>;
export type IdpText = Translator<IdpCatalogue>;

const catalogues = { ja, en };
export const idpText = (locale: Locale): IdpText => translatorFor(catalogues, locale);

/** What a request can say about its language beyond its cookie and headers: set by the routes that know it. */
export interface LocaleState { localeHints?: Pick<LocaleHints, 'uiLocales' | 'member'> }

/**
 * The request's language (i18n/locale.ts for the order): `?lang=` or the switch's cookie, then the
 * application's ui_locales and the member's setting where a route has put them on the state, then
 * Accept-Language.
 */
export function localeOf(ctx: Pick<Context, 'query' | 'cookies' | 'get'> & { state?: LocaleState }): Locale {
  const asked = typeof ctx.query.lang === 'string' ? ctx.query.lang : undefined;
  return chooseLocale({
    switched: asked ?? ctx.cookies.get(LOCALE_COOKIE, { signed: false }),
    ...ctx.state?.localeHints,
    acceptLanguage: ctx.get('accept-language'),
  });
}

export const textOf = (ctx: Parameters<typeof localeOf>[0]): IdpText => idpText(localeOf(ctx));
