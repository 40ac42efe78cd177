import crypto from 'node:crypto';
import { findAccount } from '../../idp/accounts/account-repository.js';
import { loginWithPassword } from '../../idp/accounts/password-login.js';
import { findUnion, type Union } from '../../idp/unions/union-repository.js';
import { createMemberWithLogin, startStack, type TestStack } from '../helpers/stack.js';

let stack: TestStack;
let union: Union;

// These tests count lockouts, not throttles: one address may fail as often as they need, undelayed.
const UNTHROTTLED = { loginThrottle: { freeFailures: 1000, perAddress: { max: 100_000, windowMs: 60_000 } } };

beforeAll(async () => {
  stack = await startStack({ policy: UNTHROTTLED });
  union = (await findUnion(stack.database.db, 'alpha'))!;
});
afterAll(() => stack?.close());

const login = (loginId: string, password: string) => loginWithPassword({ db: stack.database.db, mailer: stack.idp.mailer }, union, { loginId, password, ip: '127.0.0.1' });

test('a success resets the count of failures', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'reset-me', password: 'pass-word-1' });
  for (let i = 0; i < 10; i += 1) expect(await login('reset-me', 'nope')).toEqual({ ok: false, reason: 'invalid' });
  expect(await login('reset-me', 'pass-word-1')).toMatchObject({ ok: true, accountId });
  expect((await findAccount(stack.database.db, 'alpha', accountId))!.failedAttempts).toBe(0);
  for (let i = 0; i < 10; i += 1) await login('reset-me', 'nope');
  expect(await login('reset-me', 'pass-word-1')).toMatchObject({ ok: true });
});

test('concurrent wrong passwords cannot check more than the threshold', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'race-target', password: 'pass-word-2' });
  const results = await Promise.all(Array.from({ length: 30 }, (_, i) => login('race-target', `guess-${i}`)));
  const account = (await findAccount(stack.database.db, 'alpha', accountId))!;
  expect(account.failedAttempts).toBe(11);
  expect(account.lockedAt).toEqual(expect.any(Number));
  // Exactly 11 guesses were counted; every answer, the locking one included, says only 無効な….
  expect(results.every((r) => !r.ok && r.reason === 'invalid')).toBe(true);
  expect(await login('race-target', 'wrong-again')).toEqual({ ok: false, reason: 'invalid' });
  expect(await login('race-target', 'pass-word-2')).toEqual({ ok: false, reason: 'locked' });
  const audit = await stack.database.db('audit_log').where({ target: accountId, action: 'account.locked' });
  expect(audit).toHaveLength(1);
});

test('a union\'s own lockout threshold applies', async () => {
  await stack.database.db('unions').where({ slug: 'beta' }).update({ settings: JSON.stringify({ lockoutThreshold: 3, ...UNTHROTTLED }) });
  const beta = (await findUnion(stack.database.db, 'beta'))!;
  await createMemberWithLogin(stack, 'beta', { userId: 'three-strikes', password: 'pass-word-3' });
  const attempt = (password: string) => loginWithPassword({ db: stack.database.db, mailer: stack.idp.mailer }, beta, { loginId: 'three-strikes', password, ip: '127.0.0.1' });
  for (let i = 0; i < 4; i += 1) expect(await attempt('x')).toEqual({ ok: false, reason: 'invalid' });
  expect(await attempt('pass-word-3')).toEqual({ ok: false, reason: 'locked' });
});

test('user IDs are compared lower-cased and unknown IDs fail like wrong passwords', async () => {
  await createMemberWithLogin(stack, 'alpha', { userId: 'MiXeD.Case@Id', password: 'pass-word-4' });
  expect(await login('  mixed.case@id ', 'pass-word-4')).toMatchObject({ ok: true });
  expect(await login('no-such-user', 'pass-word-4')).toEqual({ ok: false, reason: 'invalid' });
});

test('the audit log is append-only', async () => {
  await login('no-such-user', 'x');
  await expect(stack.database.db('audit_log').update({ outcome: 'success' })).rejects.toThrow(/append-only/);
  await expect(stack.database.db('audit_log').delete()).rejects.toThrow(/append-only/);
});

test('a password stored as scrypt by an earlier version logs in and is rehashed with argon2id', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'old-hash', password: 'old-hash-pass-1' });
  const salt = crypto.randomBytes(16);
  const key = crypto.scryptSync('old-hash-pass-1', salt, 32, { N: 2 ** 15, r: 8, p: 3, maxmem: 128 * 2 ** 15 * 8 * 2 });
  const legacy = ['scrypt', 2 ** 15, 8, 3, salt.toString('base64'), key.toString('base64')].join('$');
  await stack.database.db('accounts').where({ id: accountId }).update({ password_hash: legacy });
  expect(await login('old-hash', 'old-hash-pass-1')).toMatchObject({ ok: true, accountId });
  const stored = (await stack.database.db('accounts').where({ id: accountId }).first()).password_hash;
  expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  expect(await login('old-hash', 'old-hash-pass-1')).toMatchObject({ ok: true });
  expect(await login('old-hash', 'wrong-pass-1')).toEqual({ ok: false, reason: 'invalid' });
});
