import { findAccount } from '../../idp/accounts/account-repository.js';
import { accountScope, checkSecondFactorUnderLockout, checkUnderLockout, lockoutState, unlock } from '../../idp/accounts/lockout.js';
import { failureDelayMs, loginAttemptWait } from '../../idp/accounts/login-throttle.js';
import { purgeRateLimits, takeAttempt, takeAttemptOrWait } from '../../idp/mfa/rate-limit.js';
import { claimRecoveryMail, RECOVERY_COOLDOWN_MS } from '../../idp/recovery/cooldown.js';
import { recoveryLimitKeys, withinRecoveryLimits } from '../../idp/recovery/request-guard.js';
import { saveUnion } from '../../idp/unions/union-repository.js';
import { newMemberAccount } from '../helpers/accounts.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

/**
 * The counters that end guessing, on the real database and without a server: a lock after the
 * threshold (never one secret more, even at once), a second-factor count a password never clears,
 * throttles per address and per union that every IdP process shares, and a slowdown that only wrong
 * answers earn.
 */
let database: TestDatabase;
const db = () => database.db;
const UNION = { slug: 'alpha', name: 'アルファ健康保険組合', insurerNumber: '06130001' };

beforeAll(async () => {
  database = await createTestDatabase();
  await saveUnion(db(), UNION);
});
afterAll(() => database?.drop());

const account = () => newMemberAccount(db(), UNION);

const counts = async (accountId: string) => {
  const row = await db()('accounts').where({ id: accountId }).first('failed_attempts', 'mfa_failed_attempts', 'locked_at');
  return { failed: Number(row.failed_attempts), mfaFailed: Number(row.mfa_failed_attempts), locked: row.locked_at !== null };
};

describe('password lockout', () => {
  test('the threshold\'s wrong answer locks, once; then even the right one is only told it is locked', async () => {
    const scope = accountScope(await account());
    let lockedCalls = 0;
    const onLocked = async () => { lockedCalls += 1; };
    for (let i = 1; i <= 3; i += 1) expect(await checkUnderLockout(db(), scope, 3, async () => false, onLocked)).toBe('wrong');
    expect(await counts(scope.id)).toEqual({ failed: 3, mfaFailed: 0, locked: true });
    expect(lockedCalls).toBe(1);

    // Locked: the secret is still checked (same work), uncounted, and only the right one learns of the lock.
    let checked = 0;
    expect(await checkUnderLockout(db(), scope, 3, async () => { checked += 1; return false; }, onLocked)).toBe('wrong');
    expect(await checkUnderLockout(db(), scope, 3, async () => { checked += 1; return true; }, onLocked)).toBe('locked');
    expect(checked).toBe(2);
    expect(lockedCalls).toBe(1);
    expect(await counts(scope.id)).toEqual({ failed: 3, mfaFailed: 0, locked: true });
  });

  test('a right answer before the threshold clears the failures', async () => {
    const scope = accountScope(await account());
    await checkUnderLockout(db(), scope, 3, async () => false);
    await checkUnderLockout(db(), scope, 3, async () => false);
    expect(await checkUnderLockout(db(), scope, 3, async () => true)).toBe('ok');
    expect(await counts(scope.id)).toEqual({ failed: 0, mfaFailed: 0, locked: false });
  });

  test('twenty guesses at once check no more secrets than the threshold', async () => {
    const scope = accountScope(await account());
    let checked = 0;
    const guess = () => checkUnderLockout(db(), scope, 5, async () => { checked += 1; return false; });
    await Promise.all(Array.from({ length: 20 }, guess));
    expect(await counts(scope.id)).toEqual({ failed: 5, mfaFailed: 0, locked: true });
    // Every guess ran the check (equal work), but the 15 past the threshold were checked uncounted.
    expect(checked).toBe(20);
  });

  test('unlocking clears the account and its trusted devices', async () => {
    const accountId = await account();
    await db()('trusted_devices').insert({
      id: 'device-unlock', union_slug: 'alpha', account_id: accountId, secret_hash: 'h'.repeat(64), user_agent: 'test', ip: '192.0.2.9',
      created_at: Date.now(), last_used_at: Date.now(), failed_attempts: 7, mfa_failed_attempts: 2, locked_at: Date.now(),
    });
    for (let i = 0; i < 3; i += 1) await checkUnderLockout(db(), accountScope(accountId), 3, async () => false);
    await unlock(db(), accountId);
    expect(await counts(accountId)).toEqual({ failed: 0, mfaFailed: 0, locked: false });
    expect(await db()('trusted_devices').where({ id: 'device-unlock' }).first('failed_attempts', 'mfa_failed_attempts', 'locked_at'))
      .toEqual({ failed_attempts: 0, mfa_failed_attempts: 0, locked_at: null });
    expect(lockoutState((await findAccount(db(), 'alpha', accountId))!, 3)).toEqual({ locked: false, failedAttempts: 0, threshold: 3, lockedAt: null });
  });

  test('one member\'s failures, locks and unlocks touch no one else\'s', async () => {
    const [a, b] = [await account(), await account()];
    const wrong = async () => false;
    // B: three password and three code failures, under thresholds it has not reached.
    for (let i = 0; i < 3; i += 1) await checkUnderLockout(db(), accountScope(b), 5, wrong);
    for (let i = 0; i < 3; i += 1) await checkSecondFactorUnderLockout(db(), accountScope(b), { password: 10, mfa: 5 }, wrong);
    await db()('trusted_devices').insert({
      id: `dev-${b.slice(0, 8)}`, union_slug: 'alpha', account_id: b, secret_hash: 'h'.repeat(64), user_agent: 'test', ip: '192.0.2.9',
      created_at: Date.now(), last_used_at: Date.now(), failed_attempts: 2, mfa_failed_attempts: 1, locked_at: null,
    });
    const before = await counts(b);
    expect(before).toEqual({ failed: 3, mfaFailed: 3, locked: false });

    for (let i = 0; i < 3; i += 1) await checkUnderLockout(db(), accountScope(a), 3, wrong); // A locks at 3
    expect(await counts(a)).toMatchObject({ locked: true });
    await unlock(db(), a);
    await checkSecondFactorUnderLockout(db(), accountScope(a), { password: 10, mfa: 3 }, wrong);
    expect(await checkSecondFactorUnderLockout(db(), accountScope(a), { password: 10, mfa: 3 }, async () => true)).toBe('ok');
    for (let i = 0; i < 3; i += 1) await checkSecondFactorUnderLockout(db(), accountScope(a), { password: 10, mfa: 3 }, wrong); // locks at 3 codes
    await unlock(db(), a);
    expect(await counts(b)).toEqual(before);
    expect(await db()('trusted_devices').where({ id: `dev-${b.slice(0, 8)}` }).first('failed_attempts', 'mfa_failed_attempts'))
      .toEqual({ failed_attempts: 2, mfa_failed_attempts: 1 });
  });

  test('the lockout state is locked from the threshold on', () => {
    expect(lockoutState({ failedAttempts: 9, lockedAt: null }, 10).locked).toBe(false);
    expect(lockoutState({ failedAttempts: 10, lockedAt: 5 }, 10)).toEqual({ locked: true, failedAttempts: 10, threshold: 10, lockedAt: 5 });
  });
});

describe('second-factor lockout', () => {
  const thresholds = { password: 10, mfa: 3 };

  test('wrong codes lock at their own threshold, as a password lock; a right password never clears them', async () => {
    const scope = accountScope(await account());
    let lockedCalls = 0;
    const onLocked = async () => { lockedCalls += 1; };
    expect(await checkSecondFactorUnderLockout(db(), scope, thresholds, async () => false, onLocked)).toBe('wrong');
    expect(await checkUnderLockout(db(), scope, thresholds.password, async () => true)).toBe('ok');
    expect(await counts(scope.id)).toEqual({ failed: 0, mfaFailed: 1, locked: false });
    expect(await checkSecondFactorUnderLockout(db(), scope, thresholds, async () => false, onLocked)).toBe('wrong');
    expect(await checkSecondFactorUnderLockout(db(), scope, thresholds, async () => false, onLocked)).toBe('locked');
    expect(lockedCalls).toBe(1);
    // Locked like a password lock: the password count is at its threshold too.
    expect(await counts(scope.id)).toEqual({ failed: 10, mfaFailed: 3, locked: true });
    let checked = false;
    expect(await checkSecondFactorUnderLockout(db(), scope, thresholds, async () => { checked = true; return true; }, onLocked)).toBe('locked');
    expect(checked).toBe(false);
    expect(await checkUnderLockout(db(), scope, thresholds.password, async () => true)).toBe('locked');
  });

  test('a passed factor clears the code count; a password lock stops codes too', async () => {
    const scope = accountScope(await account());
    await checkSecondFactorUnderLockout(db(), scope, thresholds, async () => false);
    expect(await checkSecondFactorUnderLockout(db(), scope, thresholds, async () => true)).toBe('ok');
    expect(await counts(scope.id)).toEqual({ failed: 0, mfaFailed: 0, locked: false });

    for (let i = 0; i < thresholds.password; i += 1) await checkUnderLockout(db(), scope, thresholds.password, async () => false);
    expect(await checkSecondFactorUnderLockout(db(), scope, thresholds, async () => true)).toBe('locked');
  });

  test('ten codes at once check no more than the threshold', async () => {
    const scope = accountScope(await account());
    let checked = 0;
    const results = await Promise.all(Array.from({ length: 10 }, () => checkSecondFactorUnderLockout(db(), scope, thresholds, async () => { checked += 1; return false; })));
    expect(checked).toBe(3);
    expect(results.filter((r) => r === 'locked')).toHaveLength(8);
  });
});

describe('throttles', () => {
  const policy = { freeFailures: 2, baseDelayMs: 100, maxDelayMs: 350, perAddress: { max: 3, windowMs: 60_000 }, global: { max: 5, windowMs: 60_000 } };

  test('a window\'s budget lets exactly `max` attempts through, then says how long to wait', async () => {
    const now = 10 * 60_000 + 15_000; // 15 s into a one-minute window
    for (let i = 0; i < 2; i += 1) expect(await takeAttempt(db(), 'k-budget', { max: 2, windowMs: 60_000 }, now)).toBe(true);
    expect(await takeAttempt(db(), 'k-budget', { max: 2, windowMs: 60_000 }, now)).toBe(false);
    expect(await takeAttemptOrWait(db(), 'k-budget', { max: 2, windowMs: 60_000 }, now + 500)).toBe(45);
    // The next window starts afresh; another key has its own budget.
    expect(await takeAttemptOrWait(db(), 'k-budget', { max: 2, windowMs: 60_000 }, now + 45_000)).toBe(0);
    expect(await takeAttemptOrWait(db(), 'k-other', { max: 2, windowMs: 60_000 }, now)).toBe(0);
  });

  test('attempts at once never get more than the budget through', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, () => takeAttempt(db(), 'k-race', { max: 4, windowMs: 60_000 }, 5_000)));
    expect(results.filter(Boolean)).toHaveLength(4);
  });

  test('old windows are purged after a day', async () => {
    const now = 3 * 24 * 60 * 60_000;
    await takeAttempt(db(), 'k-purge-old', { max: 1, windowMs: 60_000 }, now - 24 * 60 * 60_000 - 60_000);
    await takeAttempt(db(), 'k-purge-new', { max: 1, windowMs: 60_000 }, now - 60_000);
    await purgeRateLimits(db(), now);
    expect((await db()('rate_limits').whereIn('key', ['k-purge-old', 'k-purge-new']).select('key')).map((r) => r.key)).toEqual(['k-purge-new']);
  });

  test('per address, then for the whole union: the longer wait wins', async () => {
    for (let i = 0; i < 3; i += 1) expect(await loginAttemptWait(db(), 'alpha', '192.0.2.1', policy)).toBe(0);
    expect(await loginAttemptWait(db(), 'alpha', '192.0.2.1', policy)).toBeGreaterThan(0);
    expect(await loginAttemptWait(db(), 'alpha', '192.0.2.2', policy)).toBe(0);
    expect(await loginAttemptWait(db(), 'beta', '192.0.2.1', policy)).toBe(0); // another union's own budget
    // Five attempts counted for the union (four from .1, one from .2): the union's budget is spent for every address.
    expect(await loginAttemptWait(db(), 'alpha', '192.0.2.3', policy)).toBeGreaterThan(0);
    const keys = (await db()('rate_limits').where('key', 'like', 'login:alpha:%').select('key')).map((r) => r.key as string);
    expect(keys.some((k) => k.includes('192.0.2'))).toBe(false); // addresses are stored hashed
  });

  test('wrong answers from one address wait longer each time after the free ones, up to the cap; a quiet quarter hour forgives', async () => {
    const now = 1_000_000;
    const delays = [];
    for (let i = 0; i < 6; i += 1) delays.push(await failureDelayMs(db(), 'alpha', '198.51.100.7', policy, now + i));
    expect(delays).toEqual([0, 0, 100, 200, 350, 350]);
    expect(await failureDelayMs(db(), 'alpha', '198.51.100.8', policy, now)).toBe(0);
    const quarter = 15 * 60_000;
    expect(await failureDelayMs(db(), 'alpha', '198.51.100.7', policy, now + 5 + quarter)).toBe(350); // exactly 15 minutes: not yet
    const later = now + 5 + 2 * quarter + 1;
    expect(await failureDelayMs(db(), 'alpha', '198.51.100.7', policy, later)).toBe(0);
    expect(await failureDelayMs(db(), 'alpha', '198.51.100.7', policy, later + 1)).toBe(0);
    expect(await failureDelayMs(db(), 'alpha', '198.51.100.7', policy, later + 2)).toBe(100);
  });
});

describe('recovery requests', () => {
  test('one recovery mail of a kind per account per minute, counted from the last mail, once under concurrent requests', async () => {
    const accountId = await account();
    const now = 50_000_000;
    const claims = await Promise.all(Array.from({ length: 5 }, () => claimRecoveryMail(db(), accountId, 'password', now)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await claimRecoveryMail(db(), accountId, 'user_id', now)).toBe(true); // the other kind has its own
    expect(await claimRecoveryMail(db(), accountId, 'password', now + RECOVERY_COOLDOWN_MS - 1)).toBe(false);
    expect(await claimRecoveryMail(db(), accountId, 'password', now + RECOVERY_COOLDOWN_MS)).toBe(true);
    // Refused requests never extend it: the next mail is due a minute after the last one sent.
    expect(await claimRecoveryMail(db(), accountId, 'password', now + 2 * RECOVERY_COOLDOWN_MS - 1)).toBe(false);
    expect(await claimRecoveryMail(db(), accountId, 'password', now + 2 * RECOVERY_COOLDOWN_MS)).toBe(true);
    // Another member's mail neither waits for this one's nor moves its clock.
    const other = await account();
    expect(await claimRecoveryMail(db(), other, 'password', now + 3 * RECOVERY_COOLDOWN_MS)).toBe(true);
    expect(await claimRecoveryMail(db(), accountId, 'password', now + 3 * RECOVERY_COOLDOWN_MS + 1)).toBe(true);
  });

  test('five requests per identity from one address, thirty per address; others\' requests never spend the member\'s budget', async () => {
    for (let i = 0; i < 5; i += 1) expect(await withinRecoveryLimits(db(), 'password', 'alpha', '203.0.113.1', 'hanako')).toBe(true);
    expect(await withinRecoveryLimits(db(), 'password', 'alpha', '203.0.113.1', 'hanako')).toBe(false);
    expect(await withinRecoveryLimits(db(), 'password', 'alpha', '203.0.113.2', 'hanako')).toBe(true); // the member's own address
    expect(await withinRecoveryLimits(db(), 'user_id', 'alpha', '203.0.113.1', 'hanako')).toBe(true); // the other form
    for (let i = 0; i < 23; i += 1) expect(await withinRecoveryLimits(db(), 'password', 'alpha', '203.0.113.1', `other-${i}`)).toBe(true);
    expect(await withinRecoveryLimits(db(), 'password', 'alpha', '203.0.113.1', 'one-more')).toBe(true); // the 30th from this address
    expect(await withinRecoveryLimits(db(), 'password', 'alpha', '203.0.113.1', 'yet-another')).toBe(false);
    const keys = recoveryLimitKeys('password', 'alpha', '203.0.113.1', 'hanako');
    expect(keys.ip).toBe('recovery:password:ip:203.0.113.1');
    expect(keys.identityAtIp).toMatch(/^recovery:password:[0-9a-f]{64}$/);
    expect(keys.identityAtIp).not.toBe(recoveryLimitKeys('password', 'beta', '203.0.113.1', 'hanako').identityAtIp);
  });
});
