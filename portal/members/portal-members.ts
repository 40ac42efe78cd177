import type { Database } from '../../migrations/database.js';
import type { HouseholdClaims, Relation } from '../medical/model.js';

/** A member as their last login told the portal: whom to mail, in which language, and their card. */
export interface PortalMember {
  unionSlug: string;
  sub: string;
  name: string;
  email: string | null;
  locale: string | null;
  household: HouseholdClaims | null;
  lastLoginAt: number;
}

interface Row {
  union_slug: string; sub: string; name: string; email: string | null; locale: string | null;
  insurer_number: string | null; kigo: string | null; bango: string | null; edaban: string | null; relation: Relation | null;
  last_login_at: number;
}

const fromRow = (r: Row): PortalMember => ({
  unionSlug: r.union_slug, sub: r.sub, name: r.name, email: r.email, locale: r.locale, lastLoginAt: Number(r.last_login_at),
  household: r.insurer_number && r.kigo && r.bango && r.edaban && r.relation
    ? { insurer_number: r.insurer_number, kigo: r.kigo, bango: r.bango, edaban: r.edaban, relation: r.relation }
    : null,
});

/**
 * Remembers what a login told the portal. The card comes from the verified access token only; a
 * login whose token could not be read keeps the card the member had before.
 */
export async function recordMemberLogin(
  db: Database,
  login: { unionSlug: string; sub: string; name: string; email?: string; locale?: string; household?: HouseholdClaims },
): Promise<void> {
  const now = Date.now();
  const card = login.household
    ? { insurer_number: login.household.insurer_number, kigo: login.household.kigo, bango: login.household.bango, edaban: login.household.edaban, relation: login.household.relation }
    : {};
  const fields = { name: login.name.slice(0, 100), email: login.email ?? null, locale: login.locale ?? null, last_login_at: now, ...card };
  await db('portal_members')
    .insert({ union_slug: login.unionSlug, sub: login.sub, first_login_at: now, ...fields })
    .onConflict(['union_slug', 'sub']).merge(fields);
}

export async function findPortalMember(db: Database, unionSlug: string, sub: string): Promise<PortalMember | undefined> {
  const row = await db('portal_members').where({ union_slug: unionSlug, sub }).first();
  return row ? fromRow(row) : undefined;
}

/** The members who logged in with this card (記号・番号, and 枝番 when given): how the union names a person. */
export async function findPortalMembersByCard(
  db: Database,
  unionSlug: string,
  card: { kigo: string; bango: string; edaban?: string },
): Promise<PortalMember[]> {
  const rows = await db('portal_members')
    .where({ union_slug: unionSlug, kigo: card.kigo, bango: card.bango })
    .modify((q) => { if (card.edaban) q.andWhere({ edaban: card.edaban }); })
    .orderBy('sub');
  return rows.map(fromRow);
}
