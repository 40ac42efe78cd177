import type { Database } from '../migrations/database.js';
import { currentTerms, publishTerms } from '../idp/terms/terms-repository.js';
import { saveUnion, type StoredPolicy } from '../idp/unions/union-repository.js';
import { DEMO_TERMS, DEMO_UNION } from './demo-data.js';

/**
 * The demo union as a newcomer should meet it: the portal's address in its policy (the console's
 * link back, the welcome mail) and published terms of use. Run at every start; changes nothing
 * that is already set, so settings edited in data/ stay.
 */
export async function prepareDemoUnion(db: Database, portalHome: string): Promise<void> {
  const row = await db('unions').where({ slug: DEMO_UNION.slug }).first() as { settings: string } | undefined;
  const settings = (row ? JSON.parse(row.settings) : {}) as StoredPolicy;
  if (!row || !settings.portalUrl) await saveUnion(db, { ...DEMO_UNION, settings: { ...settings, portalUrl: portalHome } });
  if (!(await currentTerms(db, DEMO_UNION.slug))) {
    await publishTerms(db, DEMO_UNION.slug, { ...DEMO_TERMS, publishedBy: 'system:demo' });
  }
}
