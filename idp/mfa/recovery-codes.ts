import crypto from 'node:crypto';
import type { Database } from '../../migrations/database.js';
import type { SecretBox } from '../security/encryption.js';

/**
 * Recovery codes (issue 10 item 8): 10 single-use codes that replace the usual second factor once
 * each. Only a keyed hash is stored (HMAC-SHA256 with the server's secret), so a database dump alone
 * cannot test guesses; the plain codes exist only in the response that shows them.
 */

/**
 * The keys of the stored hashes. Hashes marked `v2:` use a key derived from the data key for this
 * purpose alone; unmarked ones, of sets made before, used the first cookie key (`legacyKey`) and keep
 * verifying with it until the member regenerates — rotating COOKIE_KEYS no longer touches new sets.
 */
export interface RecoveryCodeKeys { box: SecretBox; legacyKey: string }
const V2 = 'v2:';
export const RECOVERY_CODE_COUNT = 10;

/** Crockford's Base32: no I, L, O or U, so 5 bits a character and nothing to confuse when typing. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CODE_LENGTH = 10; // 50 bits
const GROUP = 5;
/** Longer input is not a code; it is cut before any work is done on it. */
const MAX_TYPED = 64;

const hmac = (key: string | Buffer, accountId: string, code: string) =>
  crypto.createHmac('sha256', key).update(`recovery:${accountId}:${code}`).digest('hex');
const hashOf = (box: SecretBox, accountId: string, code: string) => V2 + hmac(box.deriveKey('recovery-codes'), accountId, code);

/** `ABCDE-FGHJK` for reading; the hyphen is not part of the code. */
export const formatRecoveryCode = (code: string): string => `${code.slice(0, GROUP)}-${code.slice(GROUP)}`;

/**
 * What the member typed, as a code: NFKC (full-width input), upper case, spaces and hyphens (also the
 * Japanese 「ー」 an IME may produce) dropped, and the look-alikes O→0, I/L→1 read as Crockford does.
 * Undefined when it cannot be a code.
 */
export function normalizeRecoveryCode(typed: string): string | undefined {
  const code = typed.slice(0, MAX_TYPED).normalize('NFKC').toUpperCase()
    .replace(/[\s\-\u2010-\u2015\u2212\u30fc]/g, '')
    .replace(/O/g, '0').replace(/[IL]/g, '1');
  return code.length === CODE_LENGTH && [...code].every((c) => ALPHABET.includes(c)) ? code : undefined;
}

function randomCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i += 1) code += ALPHABET[crypto.randomInt(ALPHABET.length)];
  return code;
}

/**
 * A fresh set of 10 codes, formatted for display; the old set (used or not) is deleted in the same
 * transaction, so it stops working the moment the new one exists.
 */
export async function generateRecoveryCodes(db: Database, accountId: string, keys: RecoveryCodeKeys): Promise<string[]> {
  const codes = new Set<string>();
  while (codes.size < RECOVERY_CODE_COUNT) codes.add(randomCode());
  const now = Date.now();
  await db.transaction(async (trx) => {
    await trx('recovery_codes').where({ account_id: accountId }).delete();
    await trx('recovery_codes').insert([...codes].map((code) => ({
      id: crypto.randomUUID(), account_id: accountId, code_hash: hashOf(keys.box, accountId, code), created_at: now, used_at: null,
    })));
  });
  return [...codes].map(formatRecoveryCode);
}

/** Unused codes left (0 when the member never generated any). */
export async function remainingRecoveryCodes(db: Database, accountId: string): Promise<number> {
  const row = await db('recovery_codes').where({ account_id: accountId }).whereNull('used_at').count<{ n: number | string }[]>({ n: '*' }).first();
  return Number(row?.n ?? 0);
}

/** The member's set: how many codes it had and how many are unused ({0, 0} when none was generated). */
export async function recoveryCodeSummary(db: Database, accountId: string): Promise<{ total: number; remaining: number }> {
  const rows: Array<{ used_at: number | null }> = await db('recovery_codes').where({ account_id: accountId }).select('used_at');
  return { total: rows.length, remaining: rows.filter((r) => r.used_at === null).length };
}

/**
 * Uses one code. Every unused hash is compared in constant time (no early exit), and the match is
 * marked used by an UPDATE conditional on `used_at IS NULL`: of two requests with the same code, only
 * the one whose UPDATE changes the row succeeds.
 */
export async function useRecoveryCode(
  db: Database, accountId: string, typed: string, keys: RecoveryCodeKeys,
): Promise<{ ok: true; remaining: number } | { ok: false }> {
  const code = normalizeRecoveryCode(typed);
  const rows: Array<{ id: string; code_hash: string }> = await db('recovery_codes')
    .where({ account_id: accountId }).whereNull('used_at').select('id', 'code_hash');
  if (!code || !rows.length) return { ok: false };
  const current = Buffer.from(hashOf(keys.box, accountId, code));
  const legacy = Buffer.from(hmac(keys.legacyKey, accountId, code));
  let match: string | undefined;
  for (const row of rows) {
    const expected = Buffer.from(row.code_hash);
    const actual = row.code_hash.startsWith(V2) ? current : legacy;
    if (expected.length === actual.length && crypto.timingSafeEqual(actual, expected) && !match) match = row.id;
  }
  if (!match) return { ok: false };
  const updated = await db('recovery_codes').where({ id: match, account_id: accountId }).whereNull('used_at').update({ used_at: Date.now() });
  if (updated !== 1) return { ok: false };
  return { ok: true, remaining: await remainingRecoveryCodes(db, accountId) };
}

/** Removes the member's codes (an admin MFA reset); returns how many rows went. */
export async function deleteRecoveryCodes(db: Database, accountId: string): Promise<number> {
  return db('recovery_codes').where({ account_id: accountId }).delete();
}
