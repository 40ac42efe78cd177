import type { Locale } from '../../i18n/locale.js';
import type { Database } from '../../migrations/database.js';
import { defaultHelp } from './default-help.js';
import type { HelpArticle, HelpContent, HelpKind, HelpSource } from './help-content.js';

interface Row {
  kind: HelpKind; article_id: string; title: string; body: string;
}

const fromRow = (r: Row): HelpArticle => ({ id: r.article_id, kind: r.kind, title: r.title, body: r.body });

/** A union's own articles of one kind and language, in their order; empty when it has written none. */
export async function storedHelpArticles(db: Database, unionSlug: string, locale: Locale, kind: HelpKind): Promise<HelpArticle[]> {
  const rows: Row[] = await db('help_articles').where({ union_slug: unionSlug, locale, kind }).orderBy('position');
  return rows.map(fromRow);
}

/** Replaces a union's articles of one kind and language (validated by the caller: at least one, ids unique). */
export async function replaceHelpArticles(
  db: Database, unionSlug: string, locale: Locale, kind: HelpKind, articles: Array<Pick<HelpArticle, 'id' | 'title' | 'body'>>,
): Promise<void> {
  const now = Date.now();
  await db.transaction(async (trx) => {
    await trx('help_articles').where({ union_slug: unionSlug, locale, kind }).delete();
    await trx('help_articles').insert(articles.map((a, position) => ({
      union_slug: unionSlug, locale, kind, article_id: a.id, position, title: a.title, body: a.body, updated_at: now,
    })));
  });
}

/** Forgets a union's articles of one kind and language: its members read the defaults again. Whether there were any. */
export async function deleteHelpArticles(db: Database, unionSlug: string, locale: Locale, kind: HelpKind): Promise<boolean> {
  return (await db('help_articles').where({ union_slug: unionSlug, locale, kind }).delete()) > 0;
}

/**
 * The help pages' content from the database: for each kind (ご利用案内, よくある質問) and language, the
 * union's own articles when it has stored some, otherwise the defaults in that language.
 */
export function storedHelpSource(db: Database): HelpSource {
  return {
    async contentFor(unionSlug, locale): Promise<HelpContent> {
      const rows: Row[] = await db('help_articles').where({ union_slug: unionSlug, locale }).orderBy(['kind', 'position']);
      const stored = (kind: HelpKind) => rows.filter((r) => r.kind === kind).map(fromRow);
      const [guide, faq] = [stored('guide'), stored('faq')];
      if (guide.length > 0 && faq.length > 0) return { guide, faq };
      const defaults = defaultHelp(unionSlug, locale);
      return { guide: guide.length > 0 ? guide : defaults.guide, faq: faq.length > 0 ? faq : defaults.faq };
    },
  };
}
