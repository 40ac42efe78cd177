import crypto from 'node:crypto';
import type { Database } from '../../migrations/database.js';
import { hashPassword } from './password-hasher.js';
import { ensureAccounts, takenLoginIds } from './account-repository.js';

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

const temporaryUserIdCandidate = () => `t${randomString('0123456789', 10)}`;

/** `count` distinct temporary user IDs free in the union, checked a few statements at a time. */
async function generateTemporaryUserIds(db: Database, unionSlug: string, count: number): Promise<string[]> {
  const ids = new Set<string>();
  while (ids.size < count) {
    const candidates = new Set<string>();
    while (candidates.size < count - ids.size) {
      const candidate = temporaryUserIdCandidate();
      if (!ids.has(candidate)) candidates.add(candidate);
    }
    const taken = await takenLoginIds(db, unionSlug, [...candidates]);
    for (const candidate of candidates) if (!taken.has(candidate)) ids.add(candidate);
  }
  return [...ids];
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
 * Issues a new temporary user ID and password for a member; any earlier pair stops working.
 * The account is created if the member has none yet.
 */
export async function issueTemporaryCredentials(
  db: Database,
  args: { unionSlug: string; memberId: string; validDays: number; issuedBy: string },
): Promise<IssuedTemporaryCredentials> {
  return issueTemporaryCredentialsBatch(db, { ...args, memberIds: [args.memberId] }, async ([issued]) => issued);
}

// Two password hashes at a time: a batch gets most of a small server's CPU without filling libuv's
// four-thread pool, so members logging in meanwhile still get their password checked.
const BATCH_HASH_CONCURRENCY = 2;
// Rows per INSERT: well under SQLite's and PostgreSQL's bound-parameter limits.
const INSERT_CHUNK = 200;

/** How far a batch is: every password hashed (`hashing`), then every pair written (`writing`). */
export interface BatchProgress { phase: 'hashing' | 'writing'; done: number; total: number }

async function prepareTemporaryPasswords(count: number, onHashed: (done: number) => void): Promise<PreparedTemporaryPassword[]> {
  const prepared: PreparedTemporaryPassword[] = new Array(count);
  let [next, done] = [0, 0];
  const worker = async () => {
    while (next < count) {
      const i = next++;
      prepared[i] = await prepareTemporaryPassword();
      onHashed(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(BATCH_HASH_CONCURRENCY, count) }, worker));
  return prepared;
}

/**
 * Issues temporary credentials for many members at once, all or nothing. Every password is hashed
 * first (off the event loop); then one transaction writes every pair, a few statements for the whole
 * batch, and hands them to `deliver` (which makes the postcards) before it commits: the passwords
 * exist only in what `deliver` returns, so if writing or delivering fails, nothing is issued and no
 * earlier pair is revoked. The batch shares one issue time and so one expiry date; `deliver` gets the
 * pairs in the order of `memberIds`.
 */
export async function issueTemporaryCredentialsBatch<T>(
  db: Database,
  args: { unionSlug: string; memberIds: string[]; validDays: number; issuedBy: string },
  deliver: (issued: IssuedTemporaryCredentials[], issuedAt: number) => Promise<T>,
  onProgress: (progress: BatchProgress) => void = () => {},
): Promise<T> {
  const total = args.memberIds.length;
  const prepared = await prepareTemporaryPasswords(total, (done) => onProgress({ phase: 'hashing', done, total }));
  return db.transaction(async (trx) => {
    onProgress({ phase: 'writing', done: 0, total });
    const issuedAt = Date.now();
    const expiresAt = issuedAt + args.validDays * 24 * 60 * 60 * 1000;
    const accounts = await ensureAccounts(trx, args.unionSlug, args.memberIds);
    const accountIds = args.memberIds.map((memberId) => accounts.get(memberId)!.id);
    for (let i = 0; i < accountIds.length; i += INSERT_CHUNK) {
      await trx('temporary_credentials').whereIn('account_id', accountIds.slice(i, i + INSERT_CHUNK)).whereNull('revoked_at').update({ revoked_at: issuedAt });
    }
    const userIds = await generateTemporaryUserIds(trx, args.unionSlug, total);
    const issued = accountIds.map((accountId, i): IssuedTemporaryCredentials => ({
      accountId, temporaryUserId: userIds[i], temporaryPassword: prepared[i].temporaryPassword, expiresAt,
    }));
    for (let i = 0; i < total; i += INSERT_CHUNK) {
      await trx('temporary_credentials').insert(issued.slice(i, i + INSERT_CHUNK).map((pair, j) => ({
        id: crypto.randomUUID(), union_slug: args.unionSlug, account_id: pair.accountId, login_id: pair.temporaryUserId,
        password_hash: prepared[i + j].passwordHash, issued_at: issuedAt, expires_at: expiresAt, issued_by: args.issuedBy,
      })));
      onProgress({ phase: 'writing', done: Math.min(total, i + INSERT_CHUNK), total });
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
