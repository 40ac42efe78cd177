import type { Locale } from '../../i18n/locale.js';

/** ご利用案内 (what the portal offers, how to use it) or よくある質問 (a question and its answer). */
export type HelpKind = 'guide' | 'faq';

/**
 * One article of one language. The same `id` names the article in every language, so a link to
 * `#faq-forgot-password` works whichever language the reader switches to.
 */
export interface HelpArticle {
  /** A slug: lower-case letters and digits joined by single hyphens (HELP_ARTICLE_ID). */
  id: string;
  kind: HelpKind;
  /** The guide's heading, or the FAQ's question. */
  title: string;
  /**
   * Plain text, never HTML (portal/text/plain-text.ts): blank lines part paragraphs, lines starting
   * with "- " are list items, bare https URLs and site paths (/u/<union>/medical/) become links.
   */
  body: string;
}

/** What one union says to its members in one language, in the order the pages show it. */
export interface HelpContent {
  guide: HelpArticle[];
  faq: HelpArticle[];
}

/**
 * Where the pages get their content. The defaults (default-help.ts) serve every union until a
 * union's own content is stored; a stored source answers the same question per union and language.
 */
export interface HelpSource {
  contentFor(unionSlug: string, locale: Locale): Promise<HelpContent>;
}

export const HELP_ARTICLE_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** The element id of an article on its page: kind-prefixed, so no slug can clash with the layout's own ids (`main`). */
export const anchorOf = (article: Pick<HelpArticle, 'kind' | 'id'>): string => `${article.kind}-${article.id}`;
