import type { Database } from '../../migrations/database.js';

export interface TermsVersion {
  version: number;
  title: string;
  body: string;
  publishedAt: number;
}

interface TermsRow { version: number; title: string; body: string; published_at: number }
const toTerms = (r: TermsRow): TermsVersion => ({ version: r.version, title: r.title, body: r.body, publishedAt: r.published_at });

export async function currentTerms(db: Database, unionSlug: string): Promise<TermsVersion | undefined> {
  const row: TermsRow | undefined = await db('terms_versions').where({ union_slug: unionSlug }).orderBy('version', 'desc').first();
  return row && toTerms(row);
}

/** Publishes the next version; from now on every member must accept it before any app gets a code. */
export async function publishTerms(
  db: Database,
  unionSlug: string,
  terms: { title: string; body: string; publishedBy: string },
): Promise<TermsVersion> {
  return db.transaction(async (trx) => {
    const latest = await trx('terms_versions').where({ union_slug: unionSlug }).max({ v: 'version' }).first();
    const row = {
      union_slug: unionSlug, version: Number(latest?.v ?? 0) + 1, title: terms.title, body: terms.body,
      published_at: Date.now(), published_by: terms.publishedBy,
    };
    await trx('terms_versions').insert(row);
    return toTerms(row);
  });
}

export async function hasAccepted(db: Database, accountId: string, version: number): Promise<boolean> {
  return Boolean(await db('terms_acceptances').where({ account_id: accountId, version }).first('version'));
}

export async function recordAcceptance(db: Database, accountId: string, version: number): Promise<void> {
  await db('terms_acceptances').insert({ account_id: accountId, version, accepted_at: Date.now() })
    .onConflict(['account_id', 'version']).ignore();
}
