import type { Database } from '../../migrations/database.js';
import type { Member } from '../members/member-repository.js';
import { toMember } from '../members/member-repository.js';
import { ensureAccount, isLoginIdTaken, markInitialPassword, normalizeLoginId, updateAccount } from './account-repository.js';
import { emailFormatErrors } from './field-rules.js';
import { hashPassword } from './password-hasher.js';
import type { IdpSaid } from '../i18n/text.js';

/** The old service's initial password: the card's 記号 and 番号 followed by the birthdate (YYYYMMDD). */
export function initialPasswordFor(member: Pick<Member, 'kigo' | 'bango' | 'birthdate'>): string {
  return `${member.kigo}${member.bango}${member.birthdate.replaceAll('-', '')}`;
}

export interface MigratedAccountInput {
  insurerNumber: string; kigo: string; bango: string; edaban: string; userId: string; email?: string;
}

export type MigrationResult =
  | { ok: true; accounts: { accountId: string; memberId: string; userId: string }[] }
  | { ok: false; details: Array<{ field: string; said: IdpSaid }> };

/**
 * Brings members of the old service over with their user IDs and the address they had verified
 * there. The initial password is card data, so it is never enough: it expires with the union's
 * temporary-credential days, and it opens a login only together with a code mailed to that address
 * (idp/mfa/requirement.ts). Then the member walks the first-login journey, minus what they already
 * have. All or nothing.
 */
export async function importMigratedAccounts(db: Database, unionSlug: string, rows: MigratedAccountInput[], validDays: number): Promise<MigrationResult> {
  const details: Array<{ field: string; said: IdpSaid }> = [];
  const members: Member[] = [];
  const seen = new Set<string>();
  for (const [i, row] of rows.entries()) {
    const found = await db('members').where({
      union_slug: unionSlug, insurer_number: row.insurerNumber, kigo: row.kigo, bango: row.bango, edaban: row.edaban,
    }).first();
    if (!found) details.push({ field: `accounts.${i}`, said: 'admin.field.noMemberRecord' });
    else members.push(toMember(found));
    const userId = normalizeLoginId(row.userId);
    if (seen.has(userId) || await isLoginIdTaken(db, unionSlug, userId, found ? (await db('accounts').where({ member_id: found.id }).first('id'))?.id : undefined)) {
      details.push({ field: `accounts.${i}.userId`, said: 'admin.field.userIdTaken' });
    }
    seen.add(userId);
    if (row.email && emailFormatErrors(row.email).length) details.push({ field: `accounts.${i}.email`, said: 'admin.field.invalidEmail' });
  }
  if (details.length) return { ok: false, details };

  const hashes = await Promise.all(members.map((m) => hashPassword(initialPasswordFor(m))));
  const accounts = await db.transaction(async (trx) => Promise.all(rows.map(async (row, i) => {
    const account = await ensureAccount(trx, unionSlug, members[i].id);
    await updateAccount(trx, account.id, {
      userId: row.userId, passwordHash: hashes[i], mustChangePassword: true, ...(row.email ? { email: row.email, emailVerified: true } : {}),
    });
    await markInitialPassword(trx, account.id, Date.now() + validDays * 24 * 60 * 60_000);
    return { accountId: account.id, memberId: members[i].id, userId: normalizeLoginId(row.userId) };
  })));
  return { ok: true, accounts };
}
