import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { findAccount, setLoginCredentials, updateAccount } from '../../idp/accounts/account-repository.js';
import { verifyPassword } from '../../idp/accounts/password-hasher.js';
import { issueTemporaryCredentials } from '../../idp/accounts/temporary-credentials.js';
import { birthdateStep } from '../../idp/interactions/steps/birthdate.js';
import { emailStep } from '../../idp/interactions/steps/email.js';
import { completeFirstLogin, firstUnmetStep, loadStepContext } from '../../idp/interactions/steps/journey.js';
import { passwordStep } from '../../idp/interactions/steps/password.js';
import type { StepContext } from '../../idp/interactions/steps/step.js';
import { termsStep } from '../../idp/interactions/steps/terms.js';
import { userIdStep } from '../../idp/interactions/steps/user-id.js';
import { upsertMembers } from '../../idp/members/member-repository.js';
import { publishTerms } from '../../idp/terms/terms-repository.js';
import { findUnion, saveUnion } from '../../idp/unions/union-repository.js';
import { createMailer } from '../../mail/mailer.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { startMailCapture, type MailCapture } from '../helpers/smtp.js';

/**
 * The first-login steps from the postcard, each on its own against the real database and SMTP server,
 * without an IdP: what makes each step unmet, what each accepts and refuses (with which message), and
 * that nothing is changed by a refused form.
 */
let database: TestDatabase;
let mail: MailCapture;
const db = () => database.db;
const UNION = { slug: 'alpha', name: 'アルファ健康保険組合', insurerNumber: '06130001' };

beforeAll(async () => {
  database = await createTestDatabase();
  mail = await startMailCapture();
  await saveUnion(db(), { ...UNION, settings: { portalUrl: 'http://portal.example/u/alpha/', lockoutThreshold: 3 } });
  await saveUnion(db(), { slug: 'optional', name: '任意健保', insurerNumber: '06130002', settings: { mfa: { required: false } } });
});
afterAll(async () => { await mail?.close(); await database?.drop(); });

let members = 0;
/** A member fresh from the postcard (temporary credentials, nothing verified), and their step context. */
async function fromPostcard(slug = 'alpha'): Promise<StepContext> {
  members += 1;
  const union = (await findUnion(db(), slug))!;
  const [member] = await upsertMembers(db(), slug, [{
    insurerNumber: union.insurerNumber, kigo: '800', bango: String(80000 + members), edaban: '00',
    nameKanji: '試験 七子', nameKana: 'シケン ナナコ', birthdate: '1988-09-10', relation: '本人',
  }]);
  const { accountId } = await issueTemporaryCredentials(db(), { unionSlug: slug, memberId: member.id, validDays: 90, issuedBy: 'test' });
  return reload({ db: db(), union, mailer: createMailer({ smtpUrl: mail.url, mailDir: path.join(os.tmpdir(), 'kenpo-unused-mail') }), issuerUrl: `http://idp.example/u/${slug}`, ip: '192.0.2.5', locale: 'ja', chainId: `chain-${members}` } as StepContext, accountId);
}

async function reload(ctx: Pick<StepContext, 'db' | 'union' | 'mailer' | 'issuerUrl' | 'ip' | 'locale' | 'chainId'>, accountId: string): Promise<StepContext> {
  return (await loadStepContext(ctx, ctx.union, accountId))!;
}
const again = (ctx: StepContext) => reload(ctx, ctx.account.id);

describe('生年月日の確認', () => {
  test('the member\'s birthdate in any width is accepted once; other dates count towards the lockout', async () => {
    let ctx = await fromPostcard();
    expect(await birthdateStep.isUnmet(ctx)).toBe(true);
    expect(await birthdateStep.submit(ctx, { birthdate: '1988/09/10' })).toEqual({ kind: 'invalid', errors: ['login.steps.birthdate.format'], values: { birthdate: '1988/09/10' } });
    expect(await birthdateStep.submit(ctx, { birthdate: '198809101' })).toMatchObject({ kind: 'invalid', errors: ['login.steps.birthdate.format'] });
    expect(await birthdateStep.submit(ctx, {})).toEqual({ kind: 'invalid', errors: ['login.steps.birthdate.format'], values: { birthdate: '' } });
    expect(await birthdateStep.submit(ctx, { birthdate: '19880911' })).toEqual({ kind: 'invalid', errors: ['login.steps.birthdate.wrong'], values: { birthdate: '19880911' } });
    expect((await again(ctx)).account.failedAttempts).toBe(1);
    expect(await birthdateStep.submit(ctx, { birthdate: ' １９８８０９１０ ' })).toEqual({ kind: 'done' });
    ctx = await again(ctx);
    expect(await birthdateStep.isUnmet(ctx)).toBe(false);
    expect(ctx.account.failedAttempts).toBe(0);
    const audit = await db()('audit_log').where({ target: ctx.account.id, action: 'first_login.birthdate' }).orderBy('seq').pluck('outcome');
    expect(audit).toEqual(['failure', 'success']);
  });

  test('the threshold\'s wrong date locks the account; the login stops there', async () => {
    const ctx = await fromPostcard();
    for (let i = 0; i < 3; i += 1) expect(await birthdateStep.submit(ctx, { birthdate: '20000101' })).toMatchObject({ kind: 'invalid' });
    expect(await birthdateStep.submit(ctx, { birthdate: '19880910' })).toEqual({ kind: 'stop', message: 'login.error.locked' });
    expect(await birthdateStep.isUnmet(await again(ctx))).toBe(true);
    expect(await db()('audit_log').where({ target: ctx.account.id, action: 'first_login.birthdate', outcome: 'denied' })).toHaveLength(1);
  });
});

describe('利用規約', () => {
  test('the newest version is accepted as read; declining stops the login; a newer version asks again', async () => {
    const ctx = await fromPostcard();
    const v1 = await publishTerms(db(), 'alpha', { title: '規約', body: '第1条', publishedBy: 'test' });
    expect(await termsStep.isUnmet(ctx)).toBe(true);
    expect(await termsStep.render(ctx, {})).toMatchObject({ view: 'idp/steps/terms', locals: { terms: { version: v1.version } } });
    expect(await termsStep.submit(ctx, { decision: 'accept', version: String(v1.version - 1) })).toEqual({ kind: 'again', notice: 'login.steps.terms.updated' });
    expect(await termsStep.submit(ctx, { decision: 'maybe', version: String(v1.version) })).toEqual({ kind: 'again', notice: 'login.steps.terms.updated' });
    expect(await termsStep.submit(ctx, { decision: 'decline', version: String(v1.version) })).toEqual({ kind: 'stop', message: 'login.steps.terms.declined', reason: 'terms_declined' });
    expect(await termsStep.isUnmet(ctx)).toBe(true);
    expect(await termsStep.submit(ctx, { decision: 'accept', version: String(v1.version) })).toEqual({ kind: 'done' });
    expect(await termsStep.isUnmet(ctx)).toBe(false);
    const audit = await db()('audit_log').where({ target: ctx.account.id }).whereIn('action', ['terms.declined', 'terms.accepted']).orderBy('seq');
    expect(audit.map((r) => [r.action, r.actor, r.ip, JSON.parse(r.detail)])).toEqual([
      ['terms.declined', `member:${ctx.account.id}`, '192.0.2.5', { version: v1.version }],
      ['terms.accepted', `member:${ctx.account.id}`, '192.0.2.5', { version: v1.version }],
    ]);

    await publishTerms(db(), 'alpha', { title: '規約', body: '第1条 改', publishedBy: 'test' });
    expect(await termsStep.isUnmet(ctx)).toBe(true);
  });

  test('a union without terms asks nothing', async () => {
    const ctx = await fromPostcard('optional');
    expect(await termsStep.isUnmet(ctx)).toBe(false);
    expect(await termsStep.submit(ctx, { decision: 'decline' })).toEqual({ kind: 'done' });
  });
});

describe('メールアドレスの登録', () => {
  test('an address is verified by the link mailed to it, valid 30 minutes and bound to this login', async () => {
    const ctx = await fromPostcard();
    expect(await emailStep.isUnmet(ctx)).toBe(true);
    expect(await emailStep.render(ctx, {})).toMatchObject({ locals: { email: '' } });
    expect(await emailStep.submit(ctx, {})).toMatchObject({ kind: 'invalid', values: { email: '', mode: 'change' } });
    expect(await emailStep.submit(ctx, { email: 'not-an-address' })).toEqual({ kind: 'invalid', errors: ['fields.email.invalid'], values: { email: 'not-an-address', mode: 'change' } });
    expect(await emailStep.submit(ctx, { email: ' Nanako@Example.JP ' })).toEqual({ kind: 'again' });
    const message = await mail.next('nanako@example.jp');
    const token = /email-verification\/([A-Za-z0-9_-]+)/.exec(message.text!)![1];
    expect(message.text).toContain('http://idp.example/u/alpha/email-verification/');
    const link = await db()('one_time_links').where({ account_id: ctx.account.id, purpose: 'verify_email' }).first();
    expect(JSON.parse(link.payload)).toEqual({ email: 'nanako@example.jp', chain: ctx.chainId });
    expect(Number(link.expires_at) - Number(link.created_at)).toBe(30 * 60_000);
    expect(token).toBeTruthy();
    expect(await emailStep.render(ctx, {})).toMatchObject({ locals: { pending: 'nanako@example.jp', validMinutes: 30 } });
    await updateAccount(db(), ctx.account.id, { email: 'earlier@example.jp' });
    expect(await emailStep.render(await again(ctx), {})).toMatchObject({ locals: { email: 'earlier@example.jp' } });
    expect(await emailStep.render(ctx, { values: { mode: 'change' } })).toMatchObject({ locals: { pending: undefined } });
  });

  test('resending waits a minute from the last mail; changing the address goes back to the form', async () => {
    const ctx = await fromPostcard();
    expect(await emailStep.submit(ctx, { action: 'resend' })).toEqual({ kind: 'again', values: { mode: 'change' } }); // nothing sent yet
    await emailStep.submit(ctx, { email: 'resend@example.jp' });
    await mail.next('resend@example.jp');
    const wait = await emailStep.submit(ctx, { action: 'resend' });
    expect(wait).toMatchObject({ kind: 'invalid', errors: [{ key: 'login.resendWait' }] });
    const seconds = (wait as { errors: Array<{ params: { seconds: number } }> }).errors[0].params.seconds;
    expect(seconds).toBeGreaterThan(55);
    expect(seconds).toBeLessThanOrEqual(60);
    await db()('one_time_links').where({ account_id: ctx.account.id }).update({ created_at: Date.now() - 60_001 });
    expect(await emailStep.submit(ctx, { action: 'resend' })).toEqual({ kind: 'again', notice: 'login.steps.email.resent' });
    await mail.next('resend@example.jp');
    expect(await emailStep.submit(ctx, { action: 'change' })).toEqual({ kind: 'again', values: { mode: 'change' } });
  });

  test('an address another member of the union uses is refused', async () => {
    const first = await fromPostcard();
    await updateAccount(db(), first.account.id, { email: 'taken@example.jp', emailVerified: true });
    const ctx = await fromPostcard();
    expect(await emailStep.submit(ctx, { email: 'TAKEN@example.jp' })).toMatchObject({ kind: 'invalid', errors: ['fields.email.taken'] });
  });
});

describe('ユーザIDと認証方法', () => {
  test('the member\'s own user ID and, where the union requires one, a method it allows', async () => {
    const ctx = await fromPostcard();
    expect(await userIdStep.isUnmet(ctx)).toBe(true);
    expect(await userIdStep.render(ctx, {})).toMatchObject({ view: 'idp/steps/user-id', locals: { userId: '', method: 'passkey' } });
    expect((await userIdStep.render(ctx, {})).locals.methods).toEqual([
      { value: 'passkey', label: 'login.factor.passkey', recommended: true },
      { value: 'totp', label: 'login.factor.totp', recommended: false },
      { value: 'email_otp', label: 'login.factor.email_otp', recommended: false },
    ]);
    expect(await userIdStep.submit(ctx, { userId: 'nanako-1988' })).toEqual({ kind: 'invalid', errors: ['login.steps.userId.chooseMethod'], values: { userId: 'nanako-1988', method: '' } });
    expect(await userIdStep.submit(ctx, { userId: 'nanako-1988', method: 'sms' })).toEqual({ kind: 'invalid', errors: ['login.steps.userId.chooseMethod'], values: { userId: 'nanako-1988', method: 'sms' } });
    expect(await userIdStep.submit(ctx, { userId: 'a', method: 'totp' })).toMatchObject({ kind: 'invalid', values: { userId: 'a', method: 'totp' } });
    expect((await again(ctx)).account.userId).toBeNull(); // nothing changed by a refused form
    expect(await userIdStep.submit(ctx, { userId: ' Nanako-1988 ', method: 'totp' })).toEqual({ kind: 'done' });
    const done = await again(ctx);
    expect([done.account.userId, done.account.preferredMfa]).toEqual(['nanako-1988', 'totp']);
    expect(await userIdStep.isUnmet(done)).toBe(false);
    // Sending the same ID again (another case) is not a change, and never "taken" by oneself.
    expect(await userIdStep.submit(done, { userId: 'NANAKO-1988', method: 'email_otp' })).toEqual({ kind: 'done' });
    expect((await again(ctx)).account.preferredMfa).toBe('email_otp');

    const other = await fromPostcard();
    expect(await userIdStep.submit(other, { userId: 'nanako-1988', method: 'totp' })).toMatchObject({ kind: 'invalid', errors: ['fields.userId.taken'] });
  });

  test('a union that does not insist takes a user ID without a method', async () => {
    const ctx = await fromPostcard('optional');
    expect(await userIdStep.submit(ctx, { userId: 'optional-member' })).toEqual({ kind: 'done' });
    const done = await again(ctx);
    expect([done.account.userId, done.account.preferredMfa]).toEqual(['optional-member', null]);
    expect(await userIdStep.isUnmet(done)).toBe(false);
  });
});

describe('新しいパスワード', () => {
  test('the postcard\'s password is replaced under the union\'s policy, never by itself or a mismatch', async () => {
    const ctx = await fromPostcard();
    const card = await db()('temporary_credentials').where({ account_id: ctx.account.id }).first('password_hash');
    await setLoginCredentials(db(), ctx.account.id, { userId: `pw-${members}`, passwordHash: card.password_hash });
    await db()('accounts').where({ id: ctx.account.id }).update({ must_change_password: true });
    const fresh = await again(ctx);
    expect(await passwordStep.isUnmet(fresh)).toBe(true);
    expect(await passwordStep.submit(fresh, { password: 'Kenpo-2026-long', confirmation: 'Kenpo-2026-lonG' })).toMatchObject({ kind: 'invalid' });
    expect(await passwordStep.submit(fresh, {})).toEqual({ kind: 'invalid', errors: ['fields.password.empty'] });
    expect(await passwordStep.submit(fresh, { password: 'Kenpo-2026-long', confirmation: 'Kenpo-2026-long' })).toEqual({ kind: 'done' });
    const done = await again(ctx);
    expect(await passwordStep.isUnmet(done)).toBe(false);
    expect(await verifyPassword('Kenpo-2026-long', (await db()('accounts').where({ id: ctx.account.id }).first('password_hash')).password_hash)).toBe(true);
    expect(await passwordStep.render(done, {})).toMatchObject({ view: 'idp/steps/password', locals: { maxLength: 64 } });
  });
});

describe('the journey', () => {
  test('steps come in the union\'s order until none is unmet; completing retires the postcard and mails a welcome', async () => {
    let ctx = await fromPostcard();
    await updateAccount(db(), ctx.account.id, { email: 'journey@example.jp' });
    const order: string[] = [];
    for (let step = await firstUnmetStep(ctx); step; step = await firstUnmetStep(ctx = await again(ctx))) {
      order.push(step.name);
      if (step.name === 'birthdate') await birthdateStep.submit(ctx, { birthdate: '19880910' });
      if (step.name === 'terms') {
        const { locals } = await termsStep.render(ctx, {});
        await termsStep.submit(ctx, { decision: 'accept', version: String((locals.terms as { version: number }).version) });
      }
      if (step.name === 'email') await updateAccount(db(), ctx.account.id, { emailVerified: true });
      if (step.name === 'user_id') await userIdStep.submit(ctx, { userId: `journey-${members}`, method: 'email_otp' });
      if (step.name === 'password') await passwordStep.submit(ctx, { password: 'Journey-2026-pass', confirmation: 'Journey-2026-pass' });
      if (order.length > 10) throw new Error(`the journey does not end: ${order.join(' → ')}`);
    }
    expect(order).toEqual(['birthdate', 'terms', 'email', 'user_id', 'password']);

    await completeFirstLogin(ctx);
    const account = (await findAccount(db(), 'alpha', ctx.account.id))!;
    expect(account.firstLoginCompleted).toBe(true);
    expect(await db()('temporary_credentials').where({ account_id: ctx.account.id }).whereNull('revoked_at')).toHaveLength(0);
    const welcome = await mail.next('journey@example.jp');
    expect(welcome.subject).toContain('アルファ健康保険組合');
    expect(welcome.text).toContain('http://portal.example/u/alpha/');
    expect(await db()('audit_log').where({ target: ctx.account.id, action: 'first_login.completed' })).toHaveLength(1);

    // Completing again (a second tab) does nothing more.
    await completeFirstLogin(await again(ctx));
    expect(await db()('audit_log').where({ target: ctx.account.id, action: 'first_login.completed' })).toHaveLength(1);
  });

  test('an unknown account has no step context', async () => {
    const union = (await findUnion(db(), 'alpha'))!;
    expect(await loadStepContext({ db: db(), mailer: createMailer({ mailDir: os.tmpdir() }), issuerUrl: '', ip: '', locale: 'ja' }, union, crypto.randomUUID())).toBeUndefined();
  });
});
