import type { Request, RequestHandler, Response } from 'express';
import { languageLinks, LOCALE_COOKIE, supportedLocale, type Locale } from '../../i18n/locale.js';
import { localeOf, portalText, type PortalLocaleHints, type PortalText } from '../i18n/text.js';

const ONE_YEAR_MS = 365 * 24 * 60 * 60 * 1000;

declare global {
  namespace Express {
    /** What every portal view and views/layout.ejs get: the reader's language and its sentences. */
    interface Locals {
      text: PortalText;
      t: PortalText['t'];
      lang: Locale;
      languageNav?: { label: string; links: ReturnType<typeof languageLinks> };
      /** HTML of a message whose Japanese terms (保険者番号) are marked `lang="ja"` on a page in another language. */
      marked: (message: string) => string;
    }
  }
}

const JAPANESE_TERM = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]+/g;
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Escapes a message for HTML; on a page not in Japanese, its Japanese terms get `lang="ja"` (read aloud right). */
export function markJapaneseTerms(message: string, locale: Locale): string {
  const html = escapeHtml(message);
  return locale === 'ja' ? html : html.replace(JAPANESE_TERM, (term) => `<span lang="ja">${term}</span>`);
}

/** Puts the request's language into `res.locals`; a page answering a GET offers the language switch. */
export function localize(req: Request, res: Response, hints: PortalLocaleHints = {}): void {
  const text = portalText(localeOf(req, hints));
  res.locals.text = text;
  res.locals.t = text.t;
  res.locals.lang = text.locale;
  res.locals.marked = (message) => markJapaneseTerms(message, text.locale);
  res.locals.languageNav = req.method === 'GET'
    ? { label: text.t('common.languageSwitch'), links: languageLinks(req.originalUrl, text.locale) }
    : undefined;
}

/**
 * The language switch is a link to the same page with `?lang=en`: this request reads it, and the
 * cookie (the portal's own origin) keeps the choice for this browser's next pages.
 */
export function language(options: { https: boolean }): RequestHandler {
  return (req, res, next) => {
    const chosen = req.method === 'GET' && typeof req.query.lang === 'string' ? supportedLocale(req.query.lang) : undefined;
    if (chosen) res.cookie(LOCALE_COOKIE, chosen, { httpOnly: true, sameSite: 'lax', secure: options.https, maxAge: ONE_YEAR_MS });
    localize(req, res);
    next();
  };
}
