import { jest } from '@jest/globals';
import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { findAccount, updateAccount } from '../../idp/accounts/account-repository.js';
import { findMember } from '../../idp/members/member-repository.js';
import { peekChallenge, purgeChallenges, saveChallenge, takeChallenge } from '../../idp/mfa/challenges.js';
import type { MfaContext } from '../../idp/mfa/context.js';
import { addCredential, DuplicateCredentialError, listCredentials, removeAllCredentials } from '../../idp/mfa/credentials.js';
import { emailOtpSent, sendEmailOtp, verifyEmailOtp } from '../../idp/mfa/email-otp.js';
import { factorOf, usableFactors } from '../../idp/mfa/factors.js';
import { passkeyAuthenticationOptions, passkeyRegistrationOptions, registerPasskey, verifyPasskey } from '../../idp/mfa/passkey.js';
import { generateRecoveryCodes } from '../../idp/mfa/recovery-codes.js';
import { completeTotpSetup, startTotpSetup, verifyTotp } from '../../idp/mfa/totp.js';
import { SecretBox } from '../../idp/security/encryption.js';
import { findUnion, saveUnion } from '../../idp/unions/union-repository.js';
import { createMailer } from '../../mail/mailer.js';
import { newMemberAccount } from '../helpers/accounts.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { softPasskey, type SoftPasskey } from '../helpers/soft-passkey.js';
import { startMailCapture, type MailCapture } from '../helpers/smtp.js';
import { base32Encode, totpFor } from '../helpers/totp.js';

/**
 * A login's second step, against the real database and a real SMTP server, without an IdP: each
 * challenge and code belongs to one account and one login (interaction), works once, and expires;
 * TOTP codes come from an independent RFC 6238 implementation, passkey assertions from a software
 * authenticator (test/helpers/soft-passkey.ts).
 */
let database: TestDatabase;
let mail: MailCapture;
const db = () => database.db;
const box = new SecretBox(crypto.randomBytes(32));
const UNION = { slug: 'alpha', name: 'アルファ健康保険組合', insurerNumber: '06130001' };

beforeAll(async () => {
  database = await createTestDatabase();
  mail = await startMailCapture();
  await saveUnion(db(), UNION);
});
afterAll(async () => { await mail?.close(); await database?.drop(); });

/** A member's context in one login (interaction); `email` false: no verified address. */
async function member(options: { email?: boolean } = {}): Promise<MfaContext> {
  const id = await newMemberAccount(db(), UNION);
  if (options.email !== false) await updateAccount(db(), id, { email: `codes-${id.slice(0, 8)}@example.jp`, emailVerified: true });
  const account = (await findAccount(db(), 'alpha', id))!;
  return {
    db: db(), union: (await findUnion(db(), 'alpha'))!, account, member: (await findMember(db(), 'alpha', account.memberId))!,
    mailer: createMailer({ smtpUrl: mail.url, mailDir: path.join(os.tmpdir(), 'kenpo-unused-mail') }), box,
    interactionUid: crypto.randomUUID(), issuerUrl: 'http://localhost/u/alpha', legacyCodeKey: 'legacy', locale: 'ja',
  };
}

const inLogin = (ctx: MfaContext, interactionUid = crypto.randomUUID()): MfaContext => ({ ...ctx, interactionUid });

describe('challenges', () => {
  test('a challenge belongs to one account, one login and one kind, is replaced by the next, and answers once', async () => {
    const ctx = await member();
    const other = await member();
    await saveChallenge(db(), { accountId: ctx.account.id, interactionUid: 'login-1', kind: 'email_otp', value: 'first', ttlMs: 60_000 });
    await saveChallenge(db(), { accountId: ctx.account.id, interactionUid: 'login-1', kind: 'email_otp', value: 'second', ttlMs: 60_000 });
    expect(await peekChallenge(db(), ctx.account.id, 'login-2', 'email_otp')).toBeUndefined();
    expect(await peekChallenge(db(), other.account.id, 'login-1', 'email_otp')).toBeUndefined();
    expect(await peekChallenge(db(), ctx.account.id, 'login-1', 'totp_setup')).toBeUndefined();
    expect(await peekChallenge(db(), ctx.account.id, 'login-1', 'email_otp')).toMatchObject({ value: 'second', createdAt: expect.any(Number) });
    expect(await takeChallenge(db(), ctx.account.id, 'login-2', 'email_otp')).toBeUndefined();
    const takes = await Promise.all([1, 2, 3].map(() => takeChallenge(db(), ctx.account.id, 'login-1', 'email_otp')));
    expect(takes.filter((t) => t === 'second')).toHaveLength(1);
    expect(await peekChallenge(db(), ctx.account.id, 'login-1', 'email_otp')).toBeUndefined();
  });

  test('an expired challenge cannot be seen or taken, and is purged; a live one stays', async () => {
    const ctx = await member();
    await saveChallenge(db(), { accountId: ctx.account.id, interactionUid: 'old', kind: 'passkey_authentication', value: 'v', ttlMs: 60_000 });
    await saveChallenge(db(), { accountId: ctx.account.id, interactionUid: 'live', kind: 'passkey_authentication', value: 'w', ttlMs: 60_000 });
    await db()('mfa_challenges').where({ account_id: ctx.account.id, interaction_uid: 'old' }).update({ expires_at: Date.now() - 1 });
    expect(await peekChallenge(db(), ctx.account.id, 'old', 'passkey_authentication')).toBeUndefined();
    expect(await takeChallenge(db(), ctx.account.id, 'old', 'passkey_authentication')).toBeUndefined();
    await purgeChallenges(db());
    expect(await db()('mfa_challenges').where({ account_id: ctx.account.id }).pluck('interaction_uid')).toEqual(['live']);
  });
});

describe('e-mail codes', () => {
  const codeIn = (text: string) => /\b(\d{6})\b/.exec(text)![1];

  test('a code is mailed once per login; a resend waits 30 s; the right code works once', async () => {
    const ctx = await member();
    expect(await emailOtpSent(ctx)).toBe(false);
    expect(await sendEmailOtp(ctx, { resend: false })).toEqual({ ok: true });
    const message = await mail.next(ctx.account.email!);
    expect(message.text).toContain('10');
    const code = codeIn(message.text!);
    expect(await emailOtpSent(ctx)).toBe(true);
    expect(await sendEmailOtp(ctx, { resend: false })).toEqual({ ok: true }); // the page reloaded: no second mail
    const wait = await sendEmailOtp(ctx, { resend: true });
    expect(wait).toMatchObject({ ok: false, error: { key: 'login.resendWait' } });
    const seconds = (wait as { error: { params: { seconds: number } } }).error.params.seconds;
    expect(seconds).toBeGreaterThan(25);
    expect(seconds).toBeLessThanOrEqual(30);

    expect(await verifyEmailOtp(inLogin(ctx), code)).toEqual({ ok: false, error: 'login.mfa.emailOtp.expired' }); // another login
    const wrong = code === '000000' ? '000001' : '000000';
    expect(await verifyEmailOtp(ctx, wrong)).toEqual({ ok: false, error: 'login.mfa.wrongCode' });
    expect(await verifyEmailOtp(ctx, ` ${code} `)).toEqual({ ok: true });
    expect(await verifyEmailOtp(ctx, code)).toEqual({ ok: false, error: 'login.mfa.emailOtp.expired' });
    expect(mail.messages.filter((m) => m.subject === message.subject && (m.to as { text: string }).text === ctx.account.email)).toHaveLength(1);
  });

  test('after 30 s a resend mails a new code and the old one stops working; a code expires after 10 minutes', async () => {
    const ctx = await member();
    await sendEmailOtp(ctx, { resend: false });
    const first = codeIn((await mail.next(ctx.account.email!)).text!);
    await db()('mfa_challenges').where({ account_id: ctx.account.id }).update({ created_at: Date.now() - 30_001 });
    expect(await sendEmailOtp(ctx, { resend: true })).toEqual({ ok: true });
    const second = codeIn((await mail.next(ctx.account.email!)).text!);
    if (first !== second) expect(await verifyEmailOtp(ctx, first)).toEqual({ ok: false, error: 'login.mfa.wrongCode' });
    const row = await db()('mfa_challenges').where({ account_id: ctx.account.id }).first('created_at', 'expires_at');
    expect(Number(row.expires_at) - Number(row.created_at)).toBe(10 * 60_000);
    await db()('mfa_challenges').where({ account_id: ctx.account.id }).update({ expires_at: Date.now() - 1 });
    expect(await verifyEmailOtp(ctx, second)).toEqual({ ok: false, error: 'login.mfa.emailOtp.expired' });
  });

  test('a resend is refused until exactly 30 s have passed', async () => {
    const ctx = await member();
    await sendEmailOtp(ctx, { resend: false });
    await mail.next(ctx.account.email!);
    const { createdAt } = (await peekChallenge(db(), ctx.account.id, ctx.interactionUid, 'email_otp'))!;
    const clock = jest.spyOn(Date, 'now');
    try {
      clock.mockReturnValue(createdAt + 29_999);
      expect(await sendEmailOtp(ctx, { resend: true })).toEqual({ ok: false, error: { key: 'login.resendWait', params: { seconds: 1 } } });
      clock.mockReturnValue(createdAt + 30_000);
      expect(await sendEmailOtp(ctx, { resend: true })).toEqual({ ok: true });
    } finally {
      clock.mockRestore();
    }
    await mail.next(ctx.account.email!);
  });

  test('no verified address, no code', async () => {
    const ctx = await member({ email: false });
    expect(await sendEmailOtp(ctx, { resend: false })).toEqual({ ok: false, error: 'login.noEmail' });
    await updateAccount(db(), ctx.account.id, { email: 'unverified@example.jp', emailVerified: false });
    const unverified = { ...ctx, account: (await findAccount(db(), 'alpha', ctx.account.id))! };
    expect(await sendEmailOtp(unverified, { resend: false })).toEqual({ ok: false, error: 'login.noEmail' });
    expect(await emailOtpSent(unverified)).toBe(false);
  });

  test('the stored code is a keyed hash, not the code', async () => {
    const ctx = await member();
    await sendEmailOtp(ctx, { resend: false });
    const code = codeIn((await mail.next(ctx.account.email!)).text!);
    const stored = await db()('mfa_challenges').where({ account_id: ctx.account.id }).first('value');
    expect(stored.value).not.toContain(code);
    expect(stored.value).not.toBe(crypto.createHash('sha256').update(`${ctx.account.id}:${code}`).digest('hex'));
  });
});

describe('authenticator apps', () => {
  test('set-up keeps one secret per login until a right code names the device', async () => {
    const ctx = await member();
    const setup = await startTotpSetup(ctx);
    expect((await startTotpSetup(ctx)).secret).toBe(setup.secret);
    expect((await startTotpSetup(inLogin(ctx))).secret).not.toBe(setup.secret);
    expect(setup.uri).toContain(`secret=${setup.secret}`);
    expect(setup.qrSvg).toContain('<svg');

    const code = totpFor(setup.secret);
    expect(await completeTotpSetup(ctx, { code, deviceName: '   ' })).toEqual({ ok: false, error: 'login.mfa.totp.deviceNameLength' });
    expect(await completeTotpSetup(ctx, { code, deviceName: 'x'.repeat(51) })).toEqual({ ok: false, error: 'login.mfa.totp.deviceNameLength' });
    expect(await completeTotpSetup(ctx, { code: code === '000000' ? '000001' : '000000', deviceName: 'スマホ' })).toEqual({ ok: false, error: 'login.mfa.wrongCode' });
    expect(await completeTotpSetup(inLogin(ctx), { code, deviceName: 'スマホ' })).toEqual({ ok: false, error: 'login.mfa.totp.setupExpired' });
    const done = await completeTotpSetup(ctx, { code: ` ${code} `, deviceName: ` ${'x'.repeat(47)}スマホ ` });
    expect(done).toEqual({ ok: true, credentialId: expect.any(String) });
    expect(await peekChallenge(db(), ctx.account.id, ctx.interactionUid, 'totp_setup')).toBeUndefined();
    const stored = await db()('credentials').where({ id: (done as { credentialId: string }).credentialId }).first('label', 'secret');
    expect(stored.label).toBe(`${'x'.repeat(47)}スマホ`);
    expect(stored.secret).not.toContain(setup.secret); // sealed at rest

    // The same name again is refused, in this login or another.
    const again = inLogin(ctx);
    const second = await startTotpSetup(again);
    expect(await completeTotpSetup(again, { code: totpFor(second.secret), deviceName: `${'x'.repeat(47)}スマホ` })).toEqual({ ok: false, error: 'login.mfa.totp.deviceNameTaken' });
    // The name is checked first: a taken name is said to be taken whatever the code.
    expect(await completeTotpSetup(again, { code: 'wrong', deviceName: `${'x'.repeat(47)}スマホ` })).toEqual({ ok: false, error: 'login.mfa.totp.deviceNameTaken' });
  });

  test('reloading the set-up page neither restarts nor extends it', async () => {
    const ctx = await member();
    await startTotpSetup(ctx);
    const first = await peekChallenge(db(), ctx.account.id, ctx.interactionUid, 'totp_setup');
    await db()('mfa_challenges').where({ account_id: ctx.account.id }).update({ created_at: first!.createdAt - 60_000 });
    await startTotpSetup(ctx);
    expect((await peekChallenge(db(), ctx.account.id, ctx.interactionUid, 'totp_setup'))!.createdAt).toBe(first!.createdAt - 60_000);
  });

  test('a code of the chosen device works once, one step either side of now and no further', async () => {
    const ctx = await member();
    const secret = base32Encode(crypto.randomBytes(20));
    const credentialId = await addCredential(db(), { accountId: ctx.account.id, type: 'totp', label: 'アプリ', secret: box.seal(secret) });
    expect(await verifyTotp(ctx, { credentialId, code: totpFor(secret, -2) })).toEqual({ ok: false, error: 'login.mfa.wrongCode' });
    expect(await verifyTotp(ctx, { credentialId, code: totpFor(secret, 2) })).toEqual({ ok: false, error: 'login.mfa.wrongCode' });
    expect(await verifyTotp(ctx, { credentialId, code: totpFor(secret, -1) })).toEqual({ ok: true, credentialId });
    expect(await verifyTotp(ctx, { credentialId, code: ` ${totpFor(secret)} ` })).toEqual({ ok: true, credentialId });
    expect(await verifyTotp(ctx, { credentialId, code: totpFor(secret) })).toEqual({ ok: false, error: 'login.mfa.wrongCode' }); // replayed
    expect(await verifyTotp(ctx, { credentialId, code: totpFor(secret, -1) })).toEqual({ ok: false, error: 'login.mfa.wrongCode' }); // older than the last used
  });

  test('a device that is not this member\'s app cannot be chosen', async () => {
    const ctx = await member();
    const other = await member();
    const secret = base32Encode(crypto.randomBytes(20));
    const othersApp = await addCredential(db(), { accountId: other.account.id, type: 'totp', label: 'アプリ', secret: box.seal(secret) });
    const passkey = await addCredential(db(), { accountId: ctx.account.id, type: 'passkey', label: 'キー', externalId: 'cred-x', counter: 0 });
    for (const credentialId of [othersApp, passkey, 'no-such-device']) {
      expect(await verifyTotp(ctx, { credentialId, code: totpFor(secret) })).toEqual({ ok: false, error: 'login.mfa.totp.chooseDevice' });
    }
  });
});

describe('passkeys', () => {
  const ORIGIN = 'http://localhost';
  type Assertion = Parameters<typeof verifyPasskey>[1];

  async function withPasskey(ctx: MfaContext, key: SoftPasskey, counter: number): Promise<string> {
    return addCredential(db(), { accountId: ctx.account.id, type: 'passkey', label: `キー${counter}`, externalId: key.id, counter, data: { publicKey: key.cosePublicKey, transports: ['internal'] } });
  }

  /** A fresh challenge for this login, answered by `key` from `origin` with `counter`. */
  async function answer(ctx: MfaContext, key: SoftPasskey, counter: number, origin = ORIGIN): Promise<Assertion> {
    const { challenge } = await passkeyAuthenticationOptions(ctx);
    return key.assert({ challenge, origin, counter }) as unknown as Assertion;
  }

  test('only this member\'s passkeys are offered, with user verification required, for the issuer\'s host', async () => {
    const ctx = await member();
    const other = await member();
    const key = softPasskey();
    await withPasskey(ctx, key, 0);
    await withPasskey(other, softPasskey(), 0);
    const options = await passkeyAuthenticationOptions(ctx);
    expect(options).toMatchObject({ rpId: 'localhost', userVerification: 'required', allowCredentials: [{ id: key.id, type: 'public-key', transports: ['internal'] }] });
    expect(await peekChallenge(db(), ctx.account.id, ctx.interactionUid, 'passkey_authentication')).toMatchObject({ value: options.challenge });
    const registration = await passkeyRegistrationOptions(ctx);
    expect(registration).toMatchObject({ rp: { id: 'localhost', name: UNION.name }, excludeCredentials: [{ id: key.id }] });
    expect(registration.authenticatorSelection).toMatchObject({ userVerification: 'required' });
  });

  test('an answer works for its own challenge once, and its counter must move forward', async () => {
    const ctx = await member();
    const key = softPasskey();
    const credentialId = await withPasskey(ctx, key, 2);
    const first = await answer(ctx, key, 5);
    expect(await verifyPasskey(ctx, first)).toEqual({ ok: true, credentialId });
    expect(await verifyPasskey(ctx, first)).toEqual({ ok: false, error: 'login.mfa.passkey.failed' }); // the challenge is spent
    expect((await db()('credentials').where({ id: credentialId }).first('counter')).counter).toBe(5);

    // A cloned key: the same or a lower counter is refused.
    expect(await verifyPasskey(ctx, await answer(ctx, key, 5))).toEqual({ ok: false, error: 'login.mfa.passkey.failed' });
    expect(await verifyPasskey(ctx, await answer(ctx, key, 0))).toEqual({ ok: false, error: 'login.mfa.passkey.failed' });
    expect(await verifyPasskey(ctx, await answer(ctx, key, 6))).toEqual({ ok: true, credentialId });

    // The clone and the original answering two logins at once with the same counter: one gets in, the other is audited.
    const [a, b] = [inLogin(ctx), inLogin(ctx)];
    const [answerA, answerB] = [await answer(a, key, 7), await answer(b, key, 7)];
    const results = await Promise.all([verifyPasskey(a, answerA), verifyPasskey(b, answerB)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const audited = await db()('audit_log').where({ target: credentialId, action: 'passkey.counter_regression', outcome: 'denied' });
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({ actor: `member:${ctx.account.id}` });
    expect(JSON.parse(audited[0].detail)).toEqual({ newCounter: 7, stored: 6 });
  });

  test('a key registered with counter 0 that starts counting is held to its counter from then on', async () => {
    const ctx = await member();
    const key = softPasskey();
    const credentialId = await withPasskey(ctx, key, 0);
    expect(await verifyPasskey(ctx, await answer(ctx, key, 3))).toEqual({ ok: true, credentialId });
    expect((await db()('credentials').where({ id: credentialId }).first('counter')).counter).toBe(3);
    expect(await verifyPasskey(ctx, await answer(ctx, key, 3))).toEqual({ ok: false, error: 'login.mfa.passkey.failed' });
  });

  test('the key that answered is the one checked, among several', async () => {
    const ctx = await member();
    const [first, second] = [softPasskey(), softPasskey()];
    await withPasskey(ctx, first, 0);
    const secondId = await withPasskey(ctx, second, 1);
    expect(await verifyPasskey(ctx, await answer(ctx, second, 2))).toEqual({ ok: true, credentialId: secondId });
  });

  test('an answer without user verification, or signed by a clone without the key, fails', async () => {
    const ctx = await member();
    const key = softPasskey();
    await withPasskey(ctx, key, 0);
    const { challenge } = await passkeyAuthenticationOptions(ctx);
    expect(await verifyPasskey(ctx, key.assert({ challenge, origin: ORIGIN, counter: 1, userVerified: false }) as unknown as Assertion))
      .toEqual({ ok: false, error: 'login.mfa.passkey.failed' });
    expect(await verifyPasskey(ctx, await answer(ctx, softPasskey({ id: key.id }), 2))).toEqual({ ok: false, error: 'login.mfa.passkey.failed' });
    expect(await verifyPasskey(ctx, await answer(ctx, key, 3))).toMatchObject({ ok: true });
  });

  test('registering: the authenticator\'s key is stored with its transports; a user-unverified or already known key is refused', async () => {
    const ctx = await member();
    type Registration = Parameters<typeof registerPasskey>[1]['response'];
    const register = async (c: MfaContext, key: SoftPasskey, userVerified = true) => {
      const { challenge } = await passkeyRegistrationOptions(c);
      return key.register({ challenge, origin: ORIGIN, userVerified }) as unknown as Registration;
    };
    const key = softPasskey();
    expect(await registerPasskey(ctx, { label: 'ノートPC', response: await register(ctx, key, false) })).toEqual({ ok: false, error: 'login.mfa.passkey.registrationFailed' });
    const done = await registerPasskey(ctx, { label: 'ノートPC', response: await register(ctx, key) });
    expect(done).toEqual({ ok: true, credentialId: expect.any(String) });
    const [stored] = await listCredentials(db(), ctx.account.id, 'passkey');
    expect(stored).toMatchObject({ label: 'ノートPC', externalId: key.id, counter: 0, data: { publicKey: key.cosePublicKey, transports: ['internal', 'hybrid'] } });
    expect(await verifyPasskey(ctx, await answer(ctx, key, 1))).toMatchObject({ ok: true });
    // The same authenticator credential for another member (or again under another name) is refused.
    const other = await member();
    expect(await registerPasskey(other, { label: 'ノートPC', response: await register(other, key) })).toEqual({ ok: false, error: 'login.mfa.passkey.alreadyRegistered' });
    expect(await registerPasskey(ctx, { label: '別名', response: await register(ctx, key) })).toEqual({ ok: false, error: 'login.mfa.passkey.alreadyRegistered' });
  });

  test('an authenticator that keeps no counter (always 0) is accepted each time', async () => {
    const ctx = await member();
    const key = softPasskey();
    const credentialId = await withPasskey(ctx, key, 0);
    for (let i = 0; i < 2; i += 1) expect(await verifyPasskey(ctx, await answer(ctx, key, 0))).toEqual({ ok: true, credentialId });
    expect((await db()('credentials').where({ id: credentialId }).first('last_used_at')).last_used_at).not.toBeNull();
  });

  test('an answer from another login, another origin or another member\'s key fails', async () => {
    const ctx = await member();
    const key = softPasskey();
    await withPasskey(ctx, key, 0);
    const elsewhere = await answer(inLogin(ctx), key, 1); // a phishing proxy's own login
    expect(await verifyPasskey(ctx, elsewhere)).toEqual({ ok: false, error: 'login.mfa.passkey.failed' });
    expect(await verifyPasskey(ctx, await answer(ctx, key, 2, 'http://localhost.evil.example'))).toEqual({ ok: false, error: 'login.mfa.passkey.failed' });
    const other = await member();
    const othersKey = softPasskey();
    await withPasskey(other, othersKey, 0);
    expect(await verifyPasskey(ctx, await answer(ctx, othersKey, 3))).toEqual({ ok: false, error: 'login.mfa.passkey.failed' });
    expect(await verifyPasskey(ctx, await answer(ctx, key, 4))).toMatchObject({ ok: true });
  });

  test('registration: a name of 1 to 50 characters, new for the member, and this login\'s challenge', async () => {
    const ctx = await member();
    await withPasskey(ctx, softPasskey(), 0); // named キー0
    await withPasskey(ctx, softPasskey(), 1); // named キー1
    const response = { id: 'x', rawId: 'x', type: 'public-key', response: { clientDataJSON: 'e30', attestationObject: 'oA' }, clientExtensionResults: {} } as unknown as Parameters<typeof registerPasskey>[1]['response'];
    expect(await registerPasskey(ctx, { label: '  ', response })).toEqual({ ok: false, error: 'login.mfa.passkey.nameLength' });
    expect(await registerPasskey(ctx, { label: 'x'.repeat(51), response })).toEqual({ ok: false, error: 'login.mfa.passkey.nameLength' });
    expect(await registerPasskey(ctx, { label: ' キー0 ', response })).toEqual({ ok: false, error: 'login.mfa.passkey.nameTaken' });
    expect(await registerPasskey(ctx, { label: 'x'.repeat(50), response })).toEqual({ ok: false, error: 'login.mfa.passkey.registrationExpired' });
    await passkeyRegistrationOptions(ctx);
    expect(await registerPasskey(inLogin(ctx), { label: 'ノートPC', response })).toEqual({ ok: false, error: 'login.mfa.passkey.registrationExpired' });
    expect(await registerPasskey(ctx, { label: 'ノートPC', response })).toEqual({ ok: false, error: 'login.mfa.passkey.registrationFailed' });
    expect(await registerPasskey(ctx, { label: 'ノートPC', response })).toEqual({ ok: false, error: 'login.mfa.passkey.registrationExpired' }); // spent
  });
});

describe('stored factors', () => {
  test('a member\'s factors are listed by type; a name is the member\'s once, a passkey anyone\'s once', async () => {
    const ctx = await member();
    const other = await member();
    const app = await addCredential(db(), { accountId: ctx.account.id, type: 'totp', label: 'アプリ', secret: box.seal('s') });
    const key = await addCredential(db(), { accountId: ctx.account.id, type: 'passkey', label: 'キー', externalId: 'shared-id', counter: 0 });
    expect((await listCredentials(db(), ctx.account.id, 'totp')).map((c) => c.id)).toEqual([app]);
    expect((await listCredentials(db(), ctx.account.id, 'passkey')).map((c) => c.id)).toEqual([key]);
    expect((await listCredentials(db(), ctx.account.id)).map((c) => c.id).sort()).toEqual([app, key].sort());
    await expect(addCredential(db(), { accountId: ctx.account.id, type: 'totp', label: 'アプリ', secret: box.seal('t') })).rejects.toBeInstanceOf(DuplicateCredentialError);
    await expect(addCredential(db(), { accountId: other.account.id, type: 'passkey', label: 'キー', externalId: 'shared-id', counter: 0 })).rejects.toBeInstanceOf(DuplicateCredentialError);
    expect(await addCredential(db(), { accountId: other.account.id, type: 'totp', label: 'アプリ', secret: box.seal('u') })).toEqual(expect.any(String));
    await expect(addCredential(db(), { accountId: 'no-such-account', type: 'totp', label: 'x' })).rejects.not.toBeInstanceOf(DuplicateCredentialError);
  });

  test('a lost phone: removing a member\'s factors leaves everyone else\'s; using one touches only it', async () => {
    const ctx = await member();
    const other = await member();
    const key = softPasskey();
    const used = await addCredential(db(), { accountId: ctx.account.id, type: 'passkey', label: 'キー', externalId: key.id, counter: 0, data: { publicKey: key.cosePublicKey } });
    const idle = await addCredential(db(), { accountId: ctx.account.id, type: 'totp', label: 'アプリ', secret: box.seal('s') });
    await addCredential(db(), { accountId: other.account.id, type: 'totp', label: 'アプリ', secret: box.seal('s') });
    const { challenge } = await passkeyAuthenticationOptions(ctx);
    expect(await verifyPasskey(ctx, key.assert({ challenge, origin: 'http://localhost', counter: 0 }) as never)).toMatchObject({ ok: true });
    const lastUsed = async (id: string) => (await db()('credentials').where({ id }).first('last_used_at')).last_used_at;
    expect(await lastUsed(used)).not.toBeNull();
    expect(await lastUsed(idle)).toBeNull();
    expect(await removeAllCredentials(db(), ctx.account.id)).toBe(2);
    expect(await listCredentials(db(), ctx.account.id)).toEqual([]);
    expect(await listCredentials(db(), other.account.id)).toHaveLength(1);
  });
});

describe('the factors a login offers', () => {
  const policy = async (allowed: string[], recoveryCodes: boolean) => {
    const union = (await findUnion(db(), 'alpha'))!;
    return { ...union, policy: { ...union.policy, mfa: { ...union.policy.mfa, allowed, recoveryCodes } } } as typeof union;
  };

  test('only what the union allows and the member has set up, strongest first', async () => {
    const ctx = await member();
    await addCredential(db(), { accountId: ctx.account.id, type: 'totp', label: 'アプリ', secret: box.seal('s') });
    await generateRecoveryCodes(db(), ctx.account.id, { box, legacyKey: 'legacy' });
    const subject = async (union: MfaContext['union']) => ({ db: db(), union, account: ctx.account, credentials: await listCredentials(db(), ctx.account.id) });
    expect(await usableFactors(await subject(await policy(['passkey', 'totp', 'email_otp'], true)))).toEqual(['totp', 'email_otp', 'recovery_code']);
    expect(await usableFactors(await subject(await policy(['passkey', 'email_otp'], false)))).toEqual(['email_otp']);
    const unverified = { ...ctx.account, emailVerified: false };
    expect(await usableFactors({ ...(await subject(await policy(['totp', 'email_otp'], true))), account: unverified })).toEqual(['totp', 'recovery_code']);
  });

  test('each factor\'s page gets what it needs, and each answer goes to its own check', async () => {
    const ctx = await member();
    const secret = base32Encode(crypto.randomBytes(20));
    const app = await addCredential(db(), { accountId: ctx.account.id, type: 'totp', label: 'アプリ', secret: box.seal(secret) });
    expect(await factorOf('totp')!.challenge(ctx)).toEqual({ devices: [{ id: app, label: 'アプリ' }] });
    expect(await factorOf('totp')!.verify(ctx, { device: app, code: totpFor(secret) })).toEqual({ ok: true, credentialId: app });

    expect(await factorOf('passkey')!.options!(ctx, 'register')).toMatchObject({ rp: { id: 'localhost' } });
    expect(await factorOf('passkey')!.options!(ctx, 'authenticate')).not.toHaveProperty('rp');

    expect(await factorOf('email_otp')!.challenge(ctx)).toEqual({ email: ctx.account.email, validMinutes: 10 });
    const code = /\b(\d{6})\b/.exec((await mail.next(ctx.account.email!)).text!)![1];
    expect(await factorOf('email_otp')!.challenge(ctx)).toEqual({ email: ctx.account.email, validMinutes: 10 }); // no second mail
    expect(await factorOf('email_otp')!.verify(ctx, { code })).toEqual({ ok: true });
    const noAddress = await member({ email: false });
    expect(await factorOf('email_otp')!.challenge(noAddress)).toEqual({ email: null, validMinutes: 10, error: 'login.noEmail' });

    const [recovery] = await generateRecoveryCodes(db(), ctx.account.id, { box, legacyKey: 'legacy' });
    expect(await factorOf('recovery_code')!.verify(ctx, { code: recovery })).toEqual({ ok: true, remaining: 9 });
    expect(await factorOf('recovery_code')!.verify(ctx, { code: recovery })).toEqual({ ok: false, error: 'login.mfa.recoveryCode.wrong' });
    expect(factorOf('sms')).toBeUndefined();
  });
});
