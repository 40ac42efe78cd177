import crypto from 'node:crypto';
import type { Database } from '../../migrations/database.js';
import { hashPassword } from './password-hasher.js';
import { ensureAccount, isLoginIdTaken } from './account-repository.js';

/** What the postcard shows. The password exists only in this object; the database keeps its hash. */
export interface IssuedTemporaryCredentials {
  accountId: string;
  temporaryUserId: string;
  temporaryPassword: string;
  expiresAt: number;
}

// No 0/O, 1/l/I: the postcard is typed in by hand.
const PASSWORD_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

function randomString(alphabet: string, length: number): string {
  return Array.from({ length }, () => alphabet[crypto.randomInt(alphabet.length)]).join('');
}

/** 12 characters with at least one upper, lower and digit, so it passes any union's policy for letters/digits. */
export function generateTemporaryPassword(): string {
  for (;;) {
    const candidate = randomString(PASSWORD_ALPHABET, 12);
    if (/[A-Z]/.test(candidate) && /[a-z]/.test(candidate) && /\d/.test(candidate)) return candidate;
  }
}

async function generateTemporaryUserId(db: Database, unionSlug: string): Promise<string> {
  for (;;) {
    const candidate = `t${randomString('0123456789', 10)}`;
    if (!(await isLoginIdTaken(db, unionSlug, candidate))) return candidate;
  }
}

/** A fresh temporary password and its hash, made before any transaction opens: hashing is slow. */
interface PreparedTemporaryPassword {
  temporaryPassword: string;
  passwordHash: string;
}

async function prepareTemporaryPassword(): Promise<PreparedTemporaryPassword> {
  const temporaryPassword = generateTemporaryPassword();
  return { temporaryPassword, passwordHash: await hashPassword(temporaryPassword) };
}

/**
 * Stores a new temporary user ID and an already hashed password for a member, inside the caller's
 * transaction; any earlier pair stops working. The account is created if the member has none yet.
 */
async function storeTemporaryCredentials(
  trx: Database,
  args: { unionSlug: string; memberId: string; validDays: number; issuedBy: string; issuedAt?: number },
  prepared: PreparedTemporaryPassword,
): Promise<IssuedTemporaryCredentials> {
  const account = await ensureAccount(trx, args.unionSlug, args.memberId);
  const now = args.issuedAt ?? Date.now();
  await trx('temporary_credentials').where({ account_id: account.id }).whereNull('revoked_at').update({ revoked_at: now });
  const temporaryUserId = await generateTemporaryUserId(trx, args.unionSlug);
  const expiresAt = now + args.validDays * 24 * 60 * 60 * 1000;
  await trx('temporary_credentials').insert({
    id: crypto.randomUUID(),
    union_slug: args.unionSlug,
    account_id: account.id,
    login_id: temporaryUserId,
    password_hash: prepared.passwordHash,
    issued_at: now,
    expires_at: expiresAt,
    issued_by: args.issuedBy,
  });
  return { accountId: account.id, temporaryUserId, temporaryPassword: prepared.temporaryPassword, expiresAt };
}

/**
 * Issues a new temporary user ID and password for a member; any earlier pair stops working.
 * The account is created if the member has none yet.
 */
export async function issueTemporaryCredentials(
  db: Database,
  args: { unionSlug: string; memberId: string; validDays: number; issuedBy: string },
): Promise<IssuedTemporaryCredentials> {
  const prepared = await prepareTemporaryPassword();
  return db.transaction((trx) => storeTemporaryCredentials(trx, args, prepared));
}

// Two password hashes at a time: a batch gets most of a small server's CPU without filling libuv's
// four-thread pool, so members logging in meanwhile still get their password checked.
const BATCH_HASH_CONCURRENCY = 2;

async function prepareTemporaryPasswords(count: number): Promise<PreparedTemporaryPassword[]> {
  const prepared: PreparedTemporaryPassword[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      prepared[i] = await prepareTemporaryPassword();
    }
  };
  await Promise.all(Array.from({ length: Math.min(BATCH_HASH_CONCURRENCY, count) }, worker));
  return prepared;
}

/**
 * Issues temporary credentials for many members at once, all or nothing. Every password is hashed
 * first; then one transaction writes every pair and hands them to `deliver` (which makes the
 * postcards) before it commits: the passwords exist only in what `deliver` returns, so if writing or
 * delivering fails, nothing is issued and no earlier pair is revoked. The batch shares one issue time
 * and so one expiry date; `deliver` gets the pairs in the order of `memberIds`.
 */
export async function issueTemporaryCredentialsBatch<T>(
  db: Database,
  args: { unionSlug: string; memberIds: string[]; validDays: number; issuedBy: string },
  deliver: (issued: IssuedTemporaryCredentials[], issuedAt: number) => Promise<T>,
): Promise<T> {
  const prepared = await prepareTemporaryPasswords(args.memberIds.length);
  return db.transaction(async (trx) => {
    const issuedAt = Date.now();
    const issued: IssuedTemporaryCredentials[] = [];
    for (const [i, memberId] of args.memberIds.entries()) {
      issued.push(await storeTemporaryCredentials(trx, { ...args, memberId, issuedAt }, prepared[i]));
    }
    return deliver(issued, issuedAt);
  });
}

export interface TemporaryCredentialRow {
  id: string; account_id: string; password_hash: string; expires_at: number; revoked_at: number | null;
}

export async function findTemporaryCredential(
  db: Database, unionSlug: string, loginId: string,
): Promise<TemporaryCredentialRow | undefined> {
  return db('temporary_credentials').where({ union_slug: unionSlug, login_id: loginId }).first();
}

/** The hash of the account's newest temporary password, used or not (a new password must differ from it). */
export async function latestTemporaryPasswordHash(db: Database, accountId: string): Promise<string | undefined> {
  const row = await db('temporary_credentials').where({ account_id: accountId }).orderBy('issued_at', 'desc').first('password_hash');
  return row?.password_hash;
}

/**
 * Uses a postcard's credential: one conditional UPDATE, so of two logins racing with the same
 * card only one gets in; the account must then set a new password in that login.
 */
export async function consumeTemporaryCredential(db: Database, accountId: string, credentialId: string): Promise<boolean> {
  return db.transaction(async (trx) => {
    const used = await trx('temporary_credentials').where({ id: credentialId, account_id: accountId }).whereNull('revoked_at')
      .update({ revoked_at: Date.now() });
    if (used !== 1) return false;
    await trx('accounts').where({ id: accountId }).update({ must_change_password: true, updated_at: Date.now() });
    return true;
  });
}

/** The journey is complete: temporary credentials stop working. */
export async function retireTemporaryCredentials(db: Database, accountId: string): Promise<void> {
  await db('temporary_credentials').where({ account_id: accountId }).whereNull('revoked_at').update({ revoked_at: Date.now() });
}
