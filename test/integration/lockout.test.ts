import crypto from 'node:crypto';
import { findAccount } from '../../idp/accounts/account-repository.js';
import { loginWithPassword } from '../../idp/accounts/password-login.js';
import { generateTemporaryPassword, issueTemporaryCredentials } from '../../idp/accounts/temporary-credentials.js';
import { upsertMembers } from '../../idp/members/member-repository.js';
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

/** A member with a postcard: the temporary user ID and password printed on it. */
async function postcard(bango: string, validDays = 30) {
  const [member] = await upsertMembers(stack.database.db, 'alpha', [{
    insurerNumber: stack.unions.alpha.insurerNumber, kigo: '900', bango, edaban: '00',
    nameKanji: '葉書 一郎', nameKana: 'ハガキ イチロウ', birthdate: '1970-01-02', relation: '本人',
  }]);
  return issueTemporaryCredentials(stack.database.db, { unionSlug: 'alpha', memberId: member.id, validDays, issuedBy: 'test' });
}

const reasons = async (accountId: string) => (await stack.database.db('audit_log').where({ target: accountId, action: 'login.password' }).orderBy('seq'))
  .map((r) => [r.outcome, r.actor, JSON.parse(r.detail).reason ?? JSON.parse(r.detail).temporary]);

test('a postcard opens one login, valid for its days; the login must set a new password', async () => {
  const card = await postcard('90001', 14);
  expect(card.expiresAt - Date.now()).toBeGreaterThan(14 * 86_400_000 - 60_000);
  expect(card.expiresAt - Date.now()).toBeLessThanOrEqual(14 * 86_400_000);
  expect(await login(card.temporaryUserId, 'not-the-card')).toEqual({ ok: false, reason: 'invalid' });
  expect(await login(card.temporaryUserId, card.temporaryPassword)).toEqual({ ok: true, accountId: card.accountId, temporary: true, trustedDeviceId: undefined });
  expect((await findAccount(stack.database.db, 'alpha', card.accountId))!.mustChangePassword).toBe(true);
  expect(await login(card.temporaryUserId, card.temporaryPassword)).toEqual({ ok: false, reason: 'invalid' }); // the card is spent
  expect(await reasons(card.accountId)).toEqual([
    ['failure', `member:${card.accountId}`, 'wrong_password'],
    ['success', `member:${card.accountId}`, true],
  ]);
});

test('a postcard\'s password: 12 characters with an upper-case letter, a lower-case one and a digit, none that reads as another', () => {
  for (let i = 0; i < 300; i += 1) {
    const password = generateTemporaryPassword();
    expect(password).toMatch(/^(?=.*[A-Z])(?=.*[a-z])(?=.*\d)[A-HJ-NP-Za-km-z2-9]{12}$/);
  }
});

test('a postcard past its days, or one racing itself, lets nobody in twice', async () => {
  const expired = await postcard('90002');
  await stack.database.db('temporary_credentials').where({ account_id: expired.accountId }).update({ expires_at: Date.now() });
  expect(await login(expired.temporaryUserId, expired.temporaryPassword)).toEqual({ ok: false, reason: 'temporary_expired' });
  expect(await reasons(expired.accountId)).toEqual([['denied', `member:${expired.accountId}`, 'temporary_expired']]);

  const raced = await postcard('90003');
  const results = await Promise.all([1, 2, 3].map(() => login(raced.temporaryUserId, raced.temporaryPassword)));
  expect(results.filter((r) => r.ok)).toHaveLength(1);
  // The others either lost the race for the card or came after it was spent.
  const failures = await stack.database.db('audit_log').where({ action: 'login.password', outcome: 'failure' })
    .whereIn('target', [raced.accountId, raced.temporaryUserId]).pluck('detail');
  expect(failures.every((d: string) => ['temporary_already_used', 'unknown_login_id'].includes(JSON.parse(d).reason))).toBe(true);
  expect(failures).toHaveLength(2);
});

test('a migrated member\'s initial password needs a verified address, and expires', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'migrated-1', password: 'migrated-pass-1' });
  await stack.database.db('accounts').where({ id: accountId }).update({ initial_password_expires_at: Date.now() + 60_000, email_verified_at: null });
  expect(await login('migrated-1', 'migrated-pass-1')).toEqual({ ok: false, reason: 'no_mailbox' });
  await stack.database.db('accounts').where({ id: accountId }).update({ initial_password_expires_at: Date.now() });
  expect(await login('migrated-1', 'migrated-pass-1')).toEqual({ ok: false, reason: 'temporary_expired' });
  expect(await reasons(accountId)).toEqual([
    ['denied', `member:${accountId}`, 'initial_password_without_mailbox'],
    ['denied', `member:${accountId}`, 'temporary_expired'],
  ]);
});

test('what the audit log says of unknown IDs and locks', async () => {
  expect(await login('  Unknown-Someone ', 'x')).toEqual({ ok: false, reason: 'invalid' });
  const unknown = await stack.database.db('audit_log').where({ action: 'login.password', target: 'unknown-someone' }).first();
  expect([unknown.actor, unknown.outcome, unknown.ip, JSON.parse(unknown.detail)]).toEqual(['anonymous', 'failure', '127.0.0.1', { reason: 'unknown_login_id' }]);
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'audited-lock', password: 'audited-lock-1' });
  for (let i = 0; i < 11; i += 1) await login('audited-lock', 'wrong');
  expect(await login('audited-lock', 'audited-lock-1')).toEqual({ ok: false, reason: 'locked' });
  const locked = await stack.database.db('audit_log').where({ target: accountId, action: 'account.locked' }).first();
  expect([locked.actor, locked.outcome, JSON.parse(locked.detail)]).toEqual([`member:${accountId}`, 'success', { threshold: 11 }]);
  await stack.mail.next('audited-lock@example.jp'); // the lock notice
  expect((await reasons(accountId)).at(-1)).toEqual(['denied', `member:${accountId}`, 'locked']);
});
