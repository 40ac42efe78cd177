import type { Locale } from '../../i18n/locale.js';
import { enHelp } from './default-help-en.js';
import { jaHelp } from './default-help-ja.js';
import type { HelpArticle, HelpContent, HelpKind, HelpSource } from './help-content.js';

/** The guide's articles, in the order the page shows them. */
export const GUIDE_IDS = [
  'overview', 'medical', 'deduction-downloads', 'notices', 'my-mail', 'profile', 'notification-settings',
  'account-console', 'logout', 'environment', 'language',
] as const;

/** The FAQ's questions, in the order the page shows them: login, second factors, mail, then the portal's services. */
export const FAQ_IDS = [
  'forgot-user-id', 'forgot-password', 'invalid-login', 'account-locked', 'password-rules', 'user-id-rules',
  'otp-not-accepted', 'authenticator-apps', 'totp-qr-code', 'passkey', 'passkey-from-pc', 'second-device',
  'remove-device', 'lost-phone', 'recovery-codes', 'change-method', 'change-email', 'display-name',
  'mail-not-arriving', 'mail-senders', 'pc-use', 'medical-delay', 'family-medical', 'etax-family-consent',
  'notification-settings',
] as const;

export type GuideId = (typeof GUIDE_IDS)[number];
export type FaqId = (typeof FAQ_IDS)[number];

/** The union's own pages an article may link to (site paths, which the page turns into links). */
export interface HelpPaths {
  medical: string;
  faq: string;
}

type Texts<Id extends string> = Record<Id, { title: string; body: string }>;
/** One language's default content: every id of both lists (the compiler checks each language has them all). */
export interface DefaultHelpTexts {
  guide: Texts<GuideId>;
  faq: Texts<FaqId>;
}

const TEXTS: Record<Locale, (paths: HelpPaths) => DefaultHelpTexts> = { ja: jaHelp, en: enHelp };

const articles = <Id extends string>(kind: HelpKind, ids: readonly Id[], texts: Texts<Id>): HelpArticle[] =>
  ids.map((id) => ({ id, kind, ...texts[id] }));

/** What every union says until it writes its own: the same articles in each language, with links to the union's pages. */
export function defaultHelp(unionSlug: string, locale: Locale): HelpContent {
  const base = `/u/${encodeURIComponent(unionSlug)}`;
  const texts = TEXTS[locale]({ medical: `${base}/medical/`, faq: `${base}/faq` });
  return { guide: articles('guide', GUIDE_IDS, texts.guide), faq: articles('faq', FAQ_IDS, texts.faq) };
}

export const defaultHelpSource: HelpSource = {
  contentFor: async (unionSlug, locale) => defaultHelp(unionSlug, locale),
};
