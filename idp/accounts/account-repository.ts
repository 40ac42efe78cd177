import crypto from 'node:crypto';
import type { Database } from '../../migrations/database.js';

export interface Account {
  id: string;
  unionSlug: string;
  memberId: string;
  userId: string | null;
  email: string | null;
  emailVerified: boolean;
  failedAttempts: number;
  lockedAt: number | null;
  mustChangePassword: boolean;
}

export interface AccountRow {
  id: string; union_slug: string; member_id: string; user_id: string | null; email: string | null; email_verified_at: number | null;
  password_hash: string | null; failed_attempts: number; locked_at: number | null;
  must_change_password: boolean | number;
}

export const toAccount = (r: AccountRow): Account => ({
  id: r.id, unionSlug: r.union_slug, memberId: r.member_id, userId: r.user_id, email: r.email, emailVerified: r.email_verified_at !== null,
  failedAttempts: r.failed_attempts, lockedAt: r.locked_at, mustChangePassword: Boolean(r.must_change_password),
});

/** User IDs (and temporary IDs) are compared lower-cased. */
export const normalizeLoginId = (loginId: string) => loginId.trim().toLowerCase();

export async function findAccount(db: Database, unionSlug: string, id: string): Promise<Account | undefined> {
  const row = await db<AccountRow>('accounts').where({ union_slug: unionSlug, id }).first();
  return row && toAccount(row);
}

export async function findAccountByMember(db: Database, unionSlug: string, memberId: string): Promise<Account | undefined> {
  const row = await db<AccountRow>('accounts').where({ union_slug: unionSlug, member_id: memberId }).first();
  return row && toAccount(row);
}

/** The member's account, created (without credentials) on first need. */
export async function ensureAccount(db: Database, unionSlug: string, memberId: string): Promise<Account> {
  const now = Date.now();
  await db('accounts')
    .insert({ id: crypto.randomUUID(), union_slug: unionSlug, member_id: memberId, created_at: now, updated_at: now })
    .onConflict('member_id').ignore();
  return (await findAccountByMember(db, unionSlug, memberId))!;
}

/** Is this login ID taken in the union, as a user ID or as a live temporary ID? */
export async function isLoginIdTaken(db: Database, unionSlug: string, loginId: string): Promise<boolean> {
  const id = normalizeLoginId(loginId);
  const [account, temporary] = await Promise.all([
    db('accounts').where({ union_slug: unionSlug, user_id: id }).first('id'),
    db('temporary_credentials').where({ union_slug: unionSlug, login_id: id }).first('id'),
  ]);
  return Boolean(account || temporary);
}

/** Sets the member's own user ID and password hash (first login, migration, demo set-up). */
export async function setLoginCredentials(
  db: Database,
  accountId: string,
  credentials: { userId: string; passwordHash: string; email?: string },
): Promise<void> {
  const now = Date.now();
  await db('accounts').where({ id: accountId }).update({
    user_id: normalizeLoginId(credentials.userId),
    password_hash: credentials.passwordHash,
    password_changed_at: now,
    ...(credentials.email ? { email: credentials.email.toLowerCase(), email_verified_at: now } : {}),
    updated_at: now,
  });
}
