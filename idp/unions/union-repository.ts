import type { Database } from '../../migrations/database.js';
import { resolvePolicy, type UnionPolicy } from './policy.js';

export interface Union {
  slug: string;
  name: string;
  insurerNumber: string;
  policy: UnionPolicy;
}

/** What a union stores: any part of its policy, nested objects too; resolvePolicy fills in the defaults. */
export type StoredPolicy = { [K in keyof UnionPolicy]?: UnionPolicy[K] extends unknown[] ? UnionPolicy[K] : UnionPolicy[K] extends object ? { [P in keyof UnionPolicy[K]]?: Partial<UnionPolicy[K][P]> } : UnionPolicy[K] };

interface UnionRow { slug: string; name: string; insurer_number: string; settings: string }

const toUnion = (row: UnionRow): Union => ({
  slug: row.slug,
  name: row.name,
  insurerNumber: row.insurer_number,
  policy: resolvePolicy(JSON.parse(row.settings)),
});

export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export async function findUnion(db: Database, slug: string): Promise<Union | undefined> {
  if (!SLUG_PATTERN.test(slug)) return undefined;
  const row = await db<UnionRow>('unions').where({ slug }).first();
  return row && toUnion(row);
}

export async function saveUnion(
  db: Database,
  union: { slug: string; name: string; insurerNumber: string; settings?: StoredPolicy },
): Promise<Union> {
  if (!SLUG_PATTERN.test(union.slug)) throw new Error(`invalid union slug: ${union.slug}`);
  if (!/^\d{8}$/.test(union.insurerNumber)) throw new Error('insurer number must be 8 digits');
  const row = {
    slug: union.slug,
    name: union.name,
    insurer_number: union.insurerNumber,
    settings: JSON.stringify(union.settings ?? {}),
  };
  await db('unions').insert({ ...row, created_at: Date.now() }).onConflict('slug').merge(row);
  return toUnion(row);
}
