import crypto from 'node:crypto';
import type { Database } from '../../migrations/database.js';

export type Relation = '本人' | '家族';

/** A person insured by the union (被保険者 or 被扶養者), as printed on the insurance card. */
export interface MemberRecord {
  insurerNumber: string;
  kigo: string;
  bango: string;
  edaban: string;
  nameKanji: string;
  nameKana: string;
  /** YYYY-MM-DD */
  birthdate: string;
  relation: Relation;
}

export interface Member extends MemberRecord {
  id: string;
  unionSlug: string;
}

interface MemberRow {
  id: string; union_slug: string; insurer_number: string; kigo: string; bango: string; edaban: string;
  name_kanji: string; name_kana: string; birthdate: string; relation: Relation;
}

export const toMember = (r: MemberRow): Member => ({
  id: r.id, unionSlug: r.union_slug, insurerNumber: r.insurer_number, kigo: r.kigo, bango: r.bango,
  edaban: r.edaban, nameKanji: r.name_kanji, nameKana: r.name_kana, birthdate: r.birthdate, relation: r.relation,
});

export async function findMember(db: Database, unionSlug: string, id: string): Promise<Member | undefined> {
  const row = await db<MemberRow>('members').where({ union_slug: unionSlug, id }).first();
  return row && toMember(row);
}

/** The union's members among `ids`, by id; ids of no member (or of another union's) are simply absent. */
export async function findMembers(db: Database, unionSlug: string, ids: string[]): Promise<Map<string, Member>> {
  const found = new Map<string, Member>();
  // In slices, so no query exceeds a database's limit on bound parameters.
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db<MemberRow>('members').where({ union_slug: unionSlug }).whereIn('id', ids.slice(i, i + 500));
    for (const row of rows) found.set(row.id, toMember(row));
  }
  return found;
}

/**
 * Creates or updates member records by their card identity (insurer number, 記号, 番号, 枝番),
 * all in one transaction. Returns each record's id and whether it was new.
 */
export async function upsertMembers(
  db: Database,
  unionSlug: string,
  records: MemberRecord[],
): Promise<{ id: string; created: boolean }[]> {
  return db.transaction(async (trx) => {
    const results: { id: string; created: boolean }[] = [];
    const now = Date.now();
    for (const m of records) {
      const key = { union_slug: unionSlug, insurer_number: m.insurerNumber, kigo: m.kigo, bango: m.bango, edaban: m.edaban };
      const values = { name_kanji: m.nameKanji, name_kana: m.nameKana, birthdate: m.birthdate, relation: m.relation, updated_at: now };
      const existing = await trx<MemberRow>('members').where(key).first('id');
      if (existing) {
        await trx('members').where({ id: existing.id }).update(values);
        results.push({ id: existing.id, created: false });
      } else {
        const id = crypto.randomUUID();
        await trx('members').insert({ id, ...key, ...values, created_at: now });
        results.push({ id, created: true });
      }
    }
    return results;
  });
}

/** The union corrects a member's name (the member cannot: it is the name on the insurance card). */
export async function renameMember(db: Database, id: string, name: { nameKanji: string; nameKana?: string }): Promise<void> {
  await db('members').where({ id }).update({
    name_kanji: name.nameKanji, ...(name.nameKana ? { name_kana: name.nameKana } : {}), updated_at: Date.now(),
  });
}
