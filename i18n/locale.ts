/**
 * The languages of kenpo-id's pages and mails, and how one is chosen for a request. Shared by the
 * IdP and the portal; each program has its own catalogue of sentences (idp/i18n, portal/i18n).
 */
export const LOCALES = ['ja', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'ja';

/** `en-US`, `EN`, `ja-JP` → a supported locale, or undefined. */
export function supportedLocale(tag: string | null | undefined): Locale | undefined {
  const primary = tag?.trim().toLowerCase().split(/[-_]/)[0];
  return LOCALES.find((l) => l === primary);
}

/** The first supported language of an Accept-Language header, by its q-values (RFC 9110 §12.5.4). */
export function fromAcceptLanguage(header: string | null | undefined): Locale | undefined {
  if (!header) return undefined;
  const ranges = header.split(',').slice(0, 20).map((part, index) => {
    const [tag, ...params] = part.split(';');
    const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/i.exec(p)?.[1]).find(Boolean);
    return { locale: supportedLocale(tag), q: q === undefined ? 1 : Number(q), index };
  });
  return ranges.filter((r) => r.locale && r.q > 0).sort((a, b) => b.q - a.q || a.index - b.index)[0]?.locale;
}

/** OIDC `ui_locales`: space-separated BCP 47 tags in order of preference. */
export const fromUiLocales = (uiLocales: string | null | undefined): Locale | undefined =>
  uiLocales?.split(' ').map(supportedLocale).find(Boolean);

/**
 * What a request says about its language, strongest first: the switch on the page (a cookie of this
 * browser), the application's `ui_locales`, the member's own setting (言語), the browser's
 * Accept-Language; Japanese when none says anything we have.
 */
export interface LocaleHints {
  switched?: string | null;
  uiLocales?: string | null;
  member?: string | null;
  acceptLanguage?: string | null;
}

export function chooseLocale(hints: LocaleHints): Locale {
  return supportedLocale(hints.switched) ?? fromUiLocales(hints.uiLocales) ?? supportedLocale(hints.member)
    ?? fromAcceptLanguage(hints.acceptLanguage) ?? DEFAULT_LOCALE;
}

/** The cookie the language switch sets (both programs, each on its own origin). */
export const LOCALE_COOKIE = 'kenpo_lang';

/** Each language in its own words, for the switch. */
export const LANGUAGE_NAMES: Record<Locale, string> = { ja: '日本語', en: 'English' };

/** The switch's links: the current URL with `lang` set, one per language, the current one marked. */
export function languageLinks(url: string, current: Locale): Array<{ locale: Locale; name: string; href: string; current: boolean }> {
  return LOCALES.map((locale) => {
    const target = new URL(url, 'http://x');
    target.searchParams.set('lang', locale);
    return { locale, name: LANGUAGE_NAMES[locale], href: `${target.pathname}${target.search}`, current: locale === current };
  });
}
