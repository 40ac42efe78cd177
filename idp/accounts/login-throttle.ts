import crypto from 'node:crypto';
import type { Database } from '../../migrations/database.js';
import { takeAttemptOrWait } from '../mfa/rate-limit.js';
import type { LoginThrottlePolicy } from '../unions/policy.js';

/**
 * Password-login throttles, in the database so every IdP process shares them:
 * - per client address and for the whole union, a budget of attempts per window, answered with
 *   429 and how long to wait (checked before the user ID is looked up, so known and unknown IDs
 *   are throttled alike);
 * - repeated failures from one address are slowed down: after `freeFailures`, each further wrong
 *   answer waits longer (doubling, up to `maxDelayMs`). A right password is never delayed, so the
 *   member is not slowed by an outsider's guesses.
 */
const STREAK_RESET_MS = 15 * 60_000;

const addressKey = (unionSlug: string, ip: string) => `login:${unionSlug}:ip:${crypto.createHash('sha256').update(ip).digest('hex').slice(0, 32)}`;

/** Seconds to wait before another password attempt from this address; 0 when it may go on (and is counted). */
export async function loginAttemptWait(db: Database, unionSlug: string, ip: string, policy: LoginThrottlePolicy): Promise<number> {
  return Math.max(
    await takeAttemptOrWait(db, addressKey(unionSlug, ip), policy.perAddress),
    await takeAttemptOrWait(db, `login:${unionSlug}:all`, policy.global),
  );
}

/** The delay this failure earns, from the address's streak of failures (which it extends). */
export async function failureDelayMs(db: Database, unionSlug: string, ip: string, policy: LoginThrottlePolicy, now = Date.now()): Promise<number> {
  const key = addressKey(unionSlug, ip);
  const [row] = await db('login_failure_streaks').insert({ key, failures: 1, last_failure_at: now })
    .onConflict('key').merge({
      failures: db.raw('CASE WHEN login_failure_streaks.last_failure_at < ? THEN 1 ELSE login_failure_streaks.failures + 1 END', [now - STREAK_RESET_MS]),
      last_failure_at: now,
    }).returning('failures');
  const beyond = Number(row.failures) - policy.freeFailures;
  return beyond > 0 ? Math.min(policy.baseDelayMs * 2 ** (beyond - 1), policy.maxDelayMs) : 0;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
