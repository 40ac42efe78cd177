import type { PortalSaid } from '../i18n/text.js';
import type { HelpArticle } from './help-content.js';

/** Longest search a member may type: a question, not a document. */
export const MAX_QUERY_LENGTH = 100;
/** Characters of the body shown around the match. */
const BEFORE = 30;
const AFTER = 60;

/** The body around the first match, with the matched words apart so a page can mark them. */
export interface HelpExcerpt {
  before: string;
  match: string;
  after: string;
}

export interface HelpMatch {
  article: HelpArticle;
  /** Absent when nothing is searched, or when no word is in the body (only the title matched). */
  excerpt?: HelpExcerpt;
}

export type HelpQuery = { state: 'valid'; query: string } | { state: 'invalid'; said: PortalSaid };

/** Validates `?q=`: one value, at most MAX_QUERY_LENGTH characters; absent is an empty search. */
export function parseHelpQuery(raw: unknown): HelpQuery {
  if (raw === undefined) return { state: 'valid', query: '' };
  if (typeof raw !== 'string') return { state: 'invalid', said: 'help.queryOnce' };
  const query = raw.trim();
  if ([...query].length > MAX_QUERY_LENGTH) return { state: 'invalid', said: { key: 'help.queryTooLong', params: { max: MAX_QUERY_LENGTH } } };
  return { state: 'valid', query };
}

/** Full-width and half-width forms alike (ＰＡＳＳ, ﾊﾟｽﾜｰﾄﾞ), upper and lower case alike. */
const fold = (text: string) => text.normalize('NFKC').toLowerCase();

/** The words of a query, folded; a full-width space separates them as a half-width one does. */
export const queryWords = (query: string): string[] => [...new Set(fold(query).split(/\s+/u).filter(Boolean))];

const graphemes = new Intl.Segmenter('ja', { granularity: 'grapheme' });

/**
 * Folded text that remembers where each of its characters came from: folding changes lengths
 * (ｶﾞ → ガ, ㍿ → 株式会社), and the excerpt is cut from the text as written.
 */
function foldWithOrigins(text: string): { folded: string; origin: number[]; pieces: string[] } {
  const pieces = Array.from(graphemes.segment(text), (s) => s.segment);
  let folded = '';
  const origin: number[] = [];
  pieces.forEach((piece, index) => {
    const f = fold(piece);
    folded += f;
    for (let i = 0; i < f.length; i += 1) origin.push(index);
  });
  return { folded, origin, pieces };
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ');
/** The body as read in one line: list markers go, line breaks become spaces. */
const readable = (body: string) => body.replace(/^\s*- +/gm, '');

function excerptOf(body: string, words: string[]): HelpExcerpt | undefined {
  const { folded, origin, pieces } = foldWithOrigins(readable(body));
  const hits = words.map((w) => ({ at: folded.indexOf(w), length: w.length })).filter((h) => h.at >= 0);
  if (hits.length === 0) return undefined;
  const first = hits.reduce((a, b) => (b.at < a.at ? b : a));
  const start = origin[first.at];
  const end = origin[first.at + first.length - 1] + 1;
  const from = Math.max(0, start - BEFORE);
  const to = Math.min(pieces.length, end + AFTER);
  return {
    before: (from > 0 ? '…' : '') + oneLine(pieces.slice(from, start).join('')).trimStart(),
    match: oneLine(pieces.slice(start, end).join('')),
    after: oneLine(pieces.slice(end, to).join('')).trimEnd() + (to < pieces.length ? '…' : ''),
  };
}

/**
 * The articles whose title or body holds every word of the query, in their own order, each with the
 * body around its first match. An empty query finds every article.
 */
export function searchHelp(articles: readonly HelpArticle[], query: string): HelpMatch[] {
  const words = queryWords(query);
  if (words.length === 0) return articles.map((article) => ({ article }));
  const matches: HelpMatch[] = [];
  for (const article of articles) {
    const title = fold(article.title);
    const body = fold(article.body);
    if (!words.every((w) => title.includes(w) || body.includes(w))) continue;
    const excerpt = excerptOf(article.body, words);
    matches.push({ article, ...(excerpt ? { excerpt } : {}) });
  }
  return matches;
}
