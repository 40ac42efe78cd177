import crypto from 'node:crypto';
import type { Database } from '../../migrations/database.js';
import { forgetReads, readOnce } from '../http/request-cache.js';
import type { MfaMethod } from '../unions/policy.js';

export interface Account {
  id: string;
  unionSlug: string;
  memberId: string;
  userId: string | null;
  email: string | null;
  emailVerified: boolean;
  hasPassword: boolean;
  mustChangePassword: boolean;
  failedAttempts: number;
  lockedAt: number | null;
  birthdateVerified: boolean;
  preferredMfa: MfaMethod | null;
  firstLoginCompleted: boolean;
  /** Wrong second-factor answers since the last complete login. */
  mfaFailedAttempts: number;
  /** A migrated member's initial password (記号番号 + birthdate) is still the password, until then. */
  initialPasswordExpiresAt: number | null;
  /** The member reported a factor change as not theirs; the union should look at the account. */
  attentionRequestedAt: number | null;
  /** 言語 (プロフィール変更): the language of the member's pages and mails; null until chosen. */
  language: string | null;
}

export interface AccountRow {
  id: string; union_slug: string; member_id: string; user_id: string | null; email: string | null;
  email_verified_at: number | null; password_hash: string | null; failed_attempts: number;
  locked_at: number | null; must_change_password: boolean | number; birthdate_verified_at: number | null;
  preferred_mfa: MfaMethod | null; first_login_completed_at: number | null;
  mfa_failed_attempts: number; initial_password_expires_at: number | null; attention_requested_at: number | null;
  language: string | null;
}

export const toAccount = (r: AccountRow): Account => ({
  id: r.id, unionSlug: r.union_slug, memberId: r.member_id, userId: r.user_id, email: r.email,
  emailVerified: r.email_verified_at !== null, hasPassword: r.password_hash !== null,
  mustChangePassword: Boolean(r.must_change_password), failedAttempts: r.failed_attempts, lockedAt: r.locked_at,
  birthdateVerified: r.birthdate_verified_at !== null, preferredMfa: r.preferred_mfa,
  firstLoginCompleted: r.first_login_completed_at !== null,
  mfaFailedAttempts: Number(r.mfa_failed_attempts ?? 0),
  initialPasswordExpiresAt: r.initial_password_expires_at === null ? null : Number(r.initial_password_expires_at),
  attentionRequestedAt: r.attention_requested_at === null ? null : Number(r.attention_requested_at),
  language: r.language ?? null,
});

/** User IDs (and temporary IDs) are compared lower-cased. */
export const normalizeLoginId = (loginId: string) => loginId.trim().toLowerCase();

export async function findAccount(db: Database, unionSlug: string, id: string): Promise<Account | undefined> {
  const row = await db<AccountRow>('accounts').where({ union_slug: unionSlug, id }).first();
  return row && toAccount(row);
}

/**
 * findAccount remembered for the rest of the request: oidc-provider's account look-ups and the
 * union's prompt checks read the same account several times per authorization request.
 */
export function findAccountInRequest(db: Database, unionSlug: string, id: string): Promise<Account | undefined> {
  return readOnce(`account\0${unionSlug}\0${id}`, () => findAccount(db, unionSlug, id));
}

/** An account changed: reads of it remembered in this request are stale. */
const changed = () => forgetReads('account\0');

export async function findAccountByMember(db: Database, unionSlug: string, memberId: string): Promise<Account | undefined> {
  const row = await db<AccountRow>('accounts').where({ union_slug: unionSlug, member_id: memberId }).first();
  return row && toAccount(row);
}

export async function passwordHashOf(db: Database, accountId: string): Promise<string | null> {
  const row = await db('accounts').where({ id: accountId }).first('password_hash');
  return row?.password_hash ?? null;
}

/** The member's account, created (without credentials) on first need. */
export async function ensureAccount(db: Database, unionSlug: string, memberId: string): Promise<Account> {
  return (await ensureAccounts(db, unionSlug, [memberId])).get(memberId)!;
}

// Rows per statement in bulk writes: well under SQLite's and PostgreSQL's bound-parameter limits.
const CHUNK = 500;
const chunks = <T>(items: T[]) => Array.from({ length: Math.ceil(items.length / CHUNK) }, (_, i) => items.slice(i * CHUNK, (i + 1) * CHUNK));

/** The accounts of these members, each created if the member has none yet; a few statements for any number. */
export async function ensureAccounts(db: Database, unionSlug: string, memberIds: string[]): Promise<Map<string, Account>> {
  const now = Date.now();
  const accounts = new Map<string, Account>();
  for (const part of chunks(memberIds)) {
    await db('accounts')
      .insert(part.map((memberId) => ({ id: crypto.randomUUID(), union_slug: unionSlug, member_id: memberId, created_at: now, updated_at: now })))
      .onConflict('member_id').ignore();
    const rows = await db<AccountRow>('accounts').where({ union_slug: unionSlug }).whereIn('member_id', part);
    for (const row of rows) accounts.set(row.member_id, toAccount(row));
  }
  return accounts;
}

/** Which of these login IDs are taken in the union (as user IDs or temporary IDs ever issued), lower-cased. */
export async function takenLoginIds(db: Database, unionSlug: string, loginIds: string[]): Promise<Set<string>> {
  const taken = new Set<string>();
  for (const part of chunks(loginIds.map(normalizeLoginId))) {
    const [accounts, temporary] = await Promise.all([
      db('accounts').where({ union_slug: unionSlug }).whereIn('user_id', part).select('user_id'),
      db('temporary_credentials').where({ union_slug: unionSlug }).whereIn('login_id', part).select('login_id'),
    ]);
    for (const row of accounts) taken.add(row.user_id);
    for (const row of temporary) taken.add(row.login_id);
  }
  return taken;
}

/** Is this login ID taken in the union, as a user ID or as a temporary ID (ever issued)? */
export async function isLoginIdTaken(db: Database, unionSlug: string, loginId: string, exceptAccountId?: string): Promise<boolean> {
  const id = normalizeLoginId(loginId);
  const [account, temporary] = await Promise.all([
    db('accounts').where({ union_slug: unionSlug, user_id: id }).whereNot({ id: exceptAccountId ?? '' }).first('id'),
    db('temporary_credentials').where({ union_slug: unionSlug, login_id: id }).first('id'),
  ]);
  return Boolean(account || temporary);
}

/** Is this e-mail address used by another account of the union? */
export async function isEmailTaken(db: Database, unionSlug: string, email: string, exceptAccountId: string): Promise<boolean> {
  const row = await db('accounts').where({ union_slug: unionSlug, email: email.toLowerCase() }).whereNot({ id: exceptAccountId }).first('id');
  return Boolean(row);
}

type AccountChanges = Partial<{
  userId: string;
  passwordHash: string;
  mustChangePassword: boolean;
  email: string;
  emailVerified: boolean;
  birthdateVerified: boolean;
  preferredMfa: MfaMethod;
  firstLoginCompleted: boolean;
  language: string;
}>;

/** Updates the given fields; user IDs and e-mail addresses are stored lower-cased. */
export async function updateAccount(db: Database, accountId: string, changes: AccountChanges): Promise<void> {
  const now = Date.now();
  const c = changes;
  const when = (flag: boolean | undefined) => (flag === undefined ? undefined : flag ? now : null);
  const values = Object.fromEntries(Object.entries({
    user_id: c.userId === undefined ? undefined : normalizeLoginId(c.userId),
    password_hash: c.passwordHash,
    password_changed_at: c.passwordHash === undefined ? undefined : now,
    // A password of the member's own replaces a migrated member's initial password for good.
    initial_password_expires_at: c.passwordHash === undefined ? undefined : null,
    must_change_password: c.mustChangePassword,
    email: c.email?.toLowerCase(),
    email_verified_at: when(c.emailVerified),
    birthdate_verified_at: when(c.birthdateVerified),
    preferred_mfa: c.preferredMfa,
    first_login_completed_at: when(c.firstLoginCompleted),
    language: c.language,
  }).filter(([, v]) => v !== undefined));
  await db('accounts').where({ id: accountId }).update({ ...values, updated_at: now });
  changed();
}

/** The same password under a stronger hash (rehash at login): neither its date nor its kind changes. */
export async function replacePasswordHash(db: Database, accountId: string, passwordHash: string): Promise<void> {
  await db('accounts').where({ id: accountId }).update({ password_hash: passwordHash });
  changed();
}

/** The account's password is a migrated member's initial password, usable until `expiresAt`. */
export async function markInitialPassword(db: Database, accountId: string, expiresAt: number): Promise<void> {
  await db('accounts').where({ id: accountId }).update({ initial_password_expires_at: expiresAt, updated_at: Date.now() });
  changed();
}

/** Sets the member's own user ID and password hash (migration, demo set-up, tests). */
export async function setLoginCredentials(
  db: Database,
  accountId: string,
  credentials: { userId: string; passwordHash: string; email?: string },
): Promise<void> {
  await updateAccount(db, accountId, {
    userId: credentials.userId,
    passwordHash: credentials.passwordHash,
    ...(credentials.email ? { email: credentials.email, emailVerified: true } : {}),
  });
}

/** The member reported a change as not theirs: the union's admins should look at the account (kept until they do). */
export async function requestAttention(db: Database, accountId: string): Promise<void> {
  const now = Date.now();
  await db('accounts').where({ id: accountId }).update({ attention_requested_at: now, updated_at: now });
  changed();
}

/**
 * Nobody can log in with the current password any more (whoever took the account over may know
 * it): only a reset link sets a new one.
 */
export async function revokePassword(db: Database, accountId: string): Promise<void> {
  const now = Date.now();
  await db('accounts').where({ id: accountId }).update({ password_hash: null, password_changed_at: now, updated_at: now });
  changed();
}
