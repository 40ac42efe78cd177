import type { Database } from '../../migrations/database.js';

/**
 * Lockout bookkeeping. A failed-attempt slot is reserved *before* a secret is checked, with a
 * conditional increment, so concurrent guesses can never check more than `threshold` secrets.
 */

/** Reserves one attempt; false when the account is already locked (nothing may be checked). */
export async function reserveAttempt(db: Database, accountId: string, threshold: number): Promise<boolean> {
  const updated = await db('accounts')
    .where({ id: accountId })
    .andWhere('failed_attempts', '<', threshold)
    .increment('failed_attempts', 1);
  return updated === 1;
}

/** The secret was right: the reserved attempt and earlier failures are forgotten. */
export async function clearAttempts(db: Database, accountId: string): Promise<void> {
  await db('accounts').where({ id: accountId }).update({ failed_attempts: 0 });
}

/** The secret was wrong: returns true when this failure locked the account. */
export async function settleFailure(db: Database, accountId: string, threshold: number): Promise<boolean> {
  const locked = await db('accounts')
    .where({ id: accountId })
    .andWhere('failed_attempts', '>=', threshold)
    .whereNull('locked_at')
    .update({ locked_at: Date.now() });
  return locked === 1;
}

export interface LockoutState {
  locked: boolean;
  failedAttempts: number;
  threshold: number;
  lockedAt: number | null;
}

export function lockoutState(account: { failedAttempts: number; lockedAt: number | null }, threshold: number): LockoutState {
  return {
    locked: account.failedAttempts >= threshold,
    failedAttempts: account.failedAttempts,
    threshold,
    lockedAt: account.lockedAt,
  };
}

export async function unlock(db: Database, accountId: string): Promise<void> {
  await db('accounts').where({ id: accountId }).update({ failed_attempts: 0, mfa_failed_attempts: 0, locked_at: null, updated_at: Date.now() });
}

export type GuardedCheck = 'ok' | 'wrong' | 'locked';

/**
 * Checks a secret (password, birthdate, one-time code) under the lockout rules: nothing is checked
 * on a locked account, a right answer clears the failures, a wrong one counts (and may lock).
 * `onLocked` runs once, when this very failure locks the account.
 */
export async function checkUnderLockout(
  db: Database, accountId: string, threshold: number, check: () => Promise<boolean>, onLocked?: () => Promise<void>,
): Promise<GuardedCheck> {
  if (!(await reserveAttempt(db, accountId, threshold))) return 'locked';
  if (await check()) {
    await clearAttempts(db, accountId);
    return 'ok';
  }
  if (await settleFailure(db, accountId, threshold)) {
    await onLocked?.();
    return 'locked';
  }
  return 'wrong';
}

/**
 * Checks a second-factor answer (code, assertion) under its own count: a correct password never
 * clears it, only a passed factor (the end of a complete login) does. Reaching `mfaThreshold`
 * locks the account like a password lockout, so guessing codes has a hard end.
 */
export async function checkSecondFactorUnderLockout(
  db: Database, accountId: string, thresholds: { password: number; mfa: number }, check: () => Promise<boolean>,
): Promise<GuardedCheck> {
  const reserved = await db('accounts').where({ id: accountId })
    .andWhere('failed_attempts', '<', thresholds.password)
    .andWhere('mfa_failed_attempts', '<', thresholds.mfa)
    .increment('mfa_failed_attempts', 1);
  if (reserved !== 1) return 'locked';
  if (await check()) {
    await db('accounts').where({ id: accountId }).update({ mfa_failed_attempts: 0 });
    return 'ok';
  }
  const locked = await db('accounts').where({ id: accountId })
    .andWhere('mfa_failed_attempts', '>=', thresholds.mfa).whereNull('locked_at')
    .update({ locked_at: Date.now(), failed_attempts: thresholds.password });
  return locked === 1 ? 'locked' : 'wrong';
}
