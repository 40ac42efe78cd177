import crypto from 'node:crypto';
import { promisify } from 'node:util';
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';

/**
 * Password hashing: argon2id at OWASP's first recommendation (m = 19 MiB, t = 2, p = 1) or stronger,
 * through @node-rs/argon2 (a native binding shipped inside its npm package; it hashes on libuv's
 * thread pool, off the event loop). The parameters live in the encoded hash, so the cost can be
 * raised later; scrypt hashes of earlier versions keep verifying and are replaced at the member's
 * next successful login (needsRehash).
 */
export interface Argon2Params {
  /** KiB */
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

// @node-rs/argon2's Algorithm.Argon2id (a const enum, which isolated modules cannot import).
const ARGON2ID = 2;

export const ARGON2_MINIMUM: Argon2Params = { memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 };
let current: Argon2Params = ARGON2_MINIMUM;

/** The operator's parameters (PASSWORD_HASH_* settings), never below the minimum. */
export function configurePasswordHashing(params: Partial<Argon2Params>): Argon2Params {
  current = {
    memoryCost: Math.max(params.memoryCost ?? 0, ARGON2_MINIMUM.memoryCost),
    timeCost: Math.max(params.timeCost ?? 0, ARGON2_MINIMUM.timeCost),
    parallelism: Math.max(params.parallelism ?? 0, ARGON2_MINIMUM.parallelism),
  };
  decoyHash = undefined;
  return current;
}

export async function hashPassword(password: string): Promise<string> {
  return argon2Hash(password.normalize('NFC'), { algorithm: ARGON2ID, ...current });
}

export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  if (encoded.startsWith('$argon2id$')) {
    try {
      return await argon2Verify(encoded, password.normalize('NFC'));
    } catch {
      return false; // a malformed stored hash verifies nothing
    }
  }
  if (encoded.startsWith('scrypt$')) return verifyScrypt(password, encoded);
  return false;
}

/** Is this stored hash weaker than what hashPassword makes now (an earlier algorithm or cost)? */
export function needsRehash(encoded: string): boolean {
  const match = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(encoded);
  if (!match) return true;
  const [m, t, p] = match.slice(1).map(Number);
  return m < current.memoryCost || t < current.timeCost || p < current.parallelism;
}

/** A hash of a random password, verified when the user does not exist so the work (and time) is the same. */
let decoyHash: Promise<string> | undefined;
export function decoyPasswordHash(): Promise<string> {
  decoyHash ??= hashPassword(crypto.randomBytes(16).toString('hex'));
  return decoyHash;
}

// ── scrypt (N=2^15, r=8, p=3): hashes stored before argon2id, verified until they are replaced ──
const scrypt = promisify(crypto.scrypt) as (
  password: crypto.BinaryLike, salt: crypto.BinaryLike, keylen: number, options: crypto.ScryptOptions,
) => Promise<Buffer>;

async function verifyScrypt(password: string, encoded: string): Promise<boolean> {
  const [, n, r, p, salt, expected] = encoded.split('$');
  if (!salt || !expected) return false;
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  const expectedBytes = Buffer.from(expected, 'base64');
  const actual = await scrypt(password.normalize('NFC'), Buffer.from(salt, 'base64'), expectedBytes.length, {
    ...params, maxmem: 128 * params.N * params.r * 2,
  });
  return crypto.timingSafeEqual(actual, expectedBytes);
}
