import type { Database } from '../../migrations/database.js';

/**
 * Lockout bookkeeping. Failures are counted per scope: the account (browsers the member never
 * completed a login in) or one trusted device (OWASP device cookies), so an outsider's failures
 * never lock the member's own browser. A failed-attempt slot is reserved *before* a secret is
 * checked, with a conditional increment, so concurrent guesses can never check more than
 * `threshold` secrets.
 */
export interface LockScope {
  table: 'accounts' | 'trusted_devices';
  id: string;
}

export const accountScope = (accountId: string): LockScope => ({ table: 'accounts', id: accountId });

/** Reserves one attempt; false when the scope is already locked. */
async function reserveAttempt(db: Database, scope: LockScope, column: 'failed_attempts' | 'mfa_failed_attempts', limits: { password: number; mfa?: number }): Promise<boolean> {
  const query = db(scope.table).where({ id: scope.id }).andWhere('failed_attempts', '<', limits.password);
  if (limits.mfa !== undefined) query.andWhere('mfa_failed_attempts', '<', limits.mfa);
  return (await query.increment(column, 1)) === 1;
}

export interface LockoutState {
  locked: boolean;
  failedAttempts: number;
  threshold: number;
  lockedAt: number | null;
}

export function lockoutState(account: { failedAttempts: number; lockedAt: number | null }, threshold: number): LockoutState {
  return { locked: account.failedAttempts >= threshold, failedAttempts: account.failedAttempts, threshold, lockedAt: account.lockedAt };
}

/** The union unlocks an account (its trusted devices' own counts go too). */
export async function unlock(db: Database, accountId: string): Promise<void> {
  const cleared = { failed_attempts: 0, mfa_failed_attempts: 0, locked_at: null };
  await db('accounts').where({ id: accountId }).update({ ...cleared, updated_at: Date.now() });
  await db('trusted_devices').where({ account_id: accountId }).update(cleared);
}

export type GuardedCheck = 'ok' | 'wrong' | 'locked';

/**
 * Checks a secret (password, birthdate) under the lockout rules: a right answer clears the
 * failures, a wrong one counts and may lock (`onLocked` runs once, when this very failure locks;
 * the failure itself still answers 'wrong'). A locked scope still checks the secret, uncounted, so
 * that it costs the same work and answers like any wrong secret: only whoever gives the right one
 * learns that it is locked.
 */
export async function checkUnderLockout(
  db: Database, scope: LockScope, threshold: number, check: () => Promise<boolean>, onLocked?: () => Promise<void>,
): Promise<GuardedCheck> {
  if (!(await reserveAttempt(db, scope, 'failed_attempts', { password: threshold }))) return (await check()) ? 'locked' : 'wrong';
  if (await check()) {
    await db(scope.table).where({ id: scope.id }).update({ failed_attempts: 0 });
    return 'ok';
  }
  const locked = await db(scope.table).where({ id: scope.id }).andWhere('failed_attempts', '>=', threshold).whereNull('locked_at')
    .update({ locked_at: Date.now() });
  if (locked === 1) await onLocked?.();
  return 'wrong';
}

/**
 * Checks a second-factor answer (code, assertion) under its own count: a correct password never
 * clears it, only a passed factor (the end of a complete login) does. Reaching `thresholds.mfa`
 * locks the scope like a password lockout, so guessing codes has a hard end.
 */
export async function checkSecondFactorUnderLockout(
  db: Database, scope: LockScope, thresholds: { password: number; mfa: number }, check: () => Promise<boolean>, onLocked?: () => Promise<void>,
): Promise<GuardedCheck> {
  if (!(await reserveAttempt(db, scope, 'mfa_failed_attempts', thresholds))) return 'locked';
  if (await check()) {
    await db(scope.table).where({ id: scope.id }).update({ mfa_failed_attempts: 0 });
    return 'ok';
  }
  const locked = await db(scope.table).where({ id: scope.id })
    .andWhere('mfa_failed_attempts', '>=', thresholds.mfa).whereNull('locked_at')
    .update({ locked_at: Date.now(), failed_attempts: thresholds.password });
  if (locked !== 1) return 'wrong';
  await onLocked?.();
  return 'locked';
}
