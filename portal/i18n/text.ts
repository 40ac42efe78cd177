import type { Request } from 'express';
import { translatorFor, type MessageKey, type Said, type Translator } from '../../i18n/catalogue.js';
import { chooseLocale, LOCALE_COOKIE, supportedLocale, type Locale } from '../../i18n/locale.js';
import { en } from './en.js';
import { ja, type PortalCatalogue } from './ja.js';

export type PortalKey = MessageKey<PortalCatalogue>;
/** A message a domain module chose, put into words by the page that shows it. */
export type PortalSaid = Said<PortalCatalogue>;
export type PortalText = Translator<PortalCatalogue>;

const catalogues = { ja, en };
export const portalText = (locale: Locale): PortalText => translatorFor(catalogues, locale);

/** One cookie of the request (Express parses none; the portal reads only this one). */
function cookieOf(req: Pick<Request, 'headers'>, name: string): string | undefined {
  for (const pair of (req.headers.cookie ?? '').split(';')) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim();
  }
  return undefined;
}

/** What the portal knows of the reader's language beyond the request: the `locale` claim of their ID token. */
export interface PortalLocaleHints { member?: string | null }

const hintsOf = (req: Pick<Request, 'query' | 'headers'>, hints: PortalLocaleHints) => ({
  switched: typeof req.query.lang === 'string' ? req.query.lang : cookieOf(req, LOCALE_COOKIE),
  member: hints.member,
});

/**
 * The request's language (i18n/locale.ts for the order): `?lang=` or the switch's cookie, then the
 * member's `locale` claim, then Accept-Language, then Japanese.
 */
export const localeOf = (req: Pick<Request, 'query' | 'headers'>, hints: PortalLocaleHints = {}): Locale =>
  chooseLocale({ ...hintsOf(req, hints), acceptLanguage: req.headers['accept-language'] });

/** The language the reader chose (the switch, or their setting at the IdP); undefined when only the browser says. */
export function chosenLocale(req: Pick<Request, 'query' | 'headers'>, hints: PortalLocaleHints = {}): Locale | undefined {
  const { switched, member } = hintsOf(req, hints);
  return supportedLocale(switched) ?? supportedLocale(member);
}
