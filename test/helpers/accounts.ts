import { ensureAccount } from '../../idp/accounts/account-repository.js';
import { upsertMembers, type MemberRecord } from '../../idp/members/member-repository.js';
import { saveUnion } from '../../idp/unions/union-repository.js';
import type { Database } from '../../migrations/database.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export const ALPHA = { slug: 'alpha', name: 'アルファ健康保険組合', insurerNumber: '06130001' };

/** A fresh IdP database holding two unions, alpha and beta (another union's rows must stay apart), and nothing else. */
export async function createTwoUnionDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase();
  await saveUnion(database.db, ALPHA);
  await saveUnion(database.db, { ...ALPHA, slug: 'beta', insurerNumber: '06130002' });
  return database;
}

let cards = 0;

/**
 * A member of the union (a new card each call) with an account and nothing else — no login, no
 * address — for storage tests that need no IdP. Returns the account id.
 */
export async function newMemberAccount(db: Database, union: { slug: string; insurerNumber: string }, record: Partial<MemberRecord> = {}): Promise<string> {
  cards += 1;
  const [member] = await upsertMembers(db, union.slug, [{
    insurerNumber: union.insurerNumber, kigo: '999', bango: String(100_000 + cards), edaban: '00',
    nameKanji: '試験 花子', nameKana: 'シケン ハナコ', birthdate: '1979-08-22', relation: '本人', ...record,
  }]);
  return (await ensureAccount(db, union.slug, member.id)).id;
}
