import type { ParsedMail } from 'mailparser';
import { findAccount } from '../../idp/accounts/account-repository.js';
import { loginWithPassword } from '../../idp/accounts/password-login.js';
import { announceFactorChange } from '../../idp/mfa/factor-notice.js';
import { findUnion } from '../../idp/unions/union-repository.js';
import { postRecoveryForm } from '../helpers/journeys.js';
import { createMemberWithLogin, startStack, type TestStack } from '../helpers/stack.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

const db = () => stack.database.db;
const UNION = 'アルファ健康保険組合';
const JAPANESE = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]+/g;
const recoveryUrl = (path: string) => `${stack.unions.alpha.issuer}/recovery/${path}`;

/** The Japanese words in a mail's subject, text and HTML parts, leaving out the union's name (data). */
const japaneseIn = (mail: ParsedMail) =>
  [...new Set([mail.subject ?? '', mail.text ?? '', mail.html || ''].join('\n').split(UNION).join(' ').match(JAPANESE) ?? [])];

/** A member of alpha with a login, and their own language setting (言語) if given. */
async function member(userId: string, language?: 'ja' | 'en') {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId, password: `${userId}-pass-123` });
  if (language) await db()('accounts').where({ id: accountId }).update({ language });
  return { accountId, email: `${userId}@example.jp` };
}

/** A recovery request from a browser that says what it can about its language (Accept-Language, or `?lang=` on the form's page). */
async function requestRecovery(path: 'password' | 'user-id', fields: Record<string, string>, browser: { acceptLanguage?: string; lang?: string } = {}) {
  const headers: Record<string, string> = browser.acceptLanguage ? { 'accept-language': browser.acceptLanguage } : {};
  const response = await postRecoveryForm(`${recoveryUrl(path)}${browser.lang ? `?lang=${browser.lang}` : ''}`, fields, headers);
  expect(response.status).toBe(200);
}

test('a member who chose English gets the reset mail in English, whatever language the page was in', async () => {
  const { email } = await member('mail-en', 'en');
  await requestRecovery('password', { userId: 'mail-en' }, { acceptLanguage: 'ja' });
  const mail = await stack.mail.next(email);
  expect(mail.subject).toBe('Reset your password');
  expect(mail.text).toContain(`We received a request to reset the password of your ${UNION} web service account.`);
  expect(mail.text).toMatch(/Open the following URL within 5 minutes and set a new password\.\n\nReset my password:\nhttps?:\/\/\S+\/recovery\/password\/\S+\n/);
  expect(mail.html).toContain('<html lang="en">');
  expect(mail.html).toContain('Reset my password</a>');
  expect(japaneseIn(mail)).toEqual([]);
  // The senders are the union's, as in Japanese.
  expect(mail.from?.text).toBe(`"${UNION}" <no-reply@example.jp>`);
});

test('a member without a setting gets the mail in the language of the page they were on', async () => {
  const switched = await member('mail-switch');
  await requestRecovery('password', { userId: 'mail-switch' }, { lang: 'en' });
  const reset = await stack.mail.next(switched.email);
  expect(reset.subject).toBe('Reset your password');
  expect(japaneseIn(reset)).toEqual([]);

  const browser = await member('mail-browser');
  const birthdate = (await db()('members').join('accounts', 'accounts.member_id', 'members.id').where({ 'accounts.id': browser.accountId }).first('birthdate')).birthdate;
  await requestRecovery('user-id', { email: browser.email, birthdate: String(birthdate).replaceAll('-', '') }, { acceptLanguage: 'en-US,en;q=0.9' });
  const userId = await stack.mail.next(browser.email);
  expect(userId.subject).toBe('Your user ID');
  expect(userId.text).toContain('Open the following URL within 1 hour and press the button to show your user ID.');
  expect(japaneseIn(userId)).toEqual([]);
});

test('a member who chose Japanese, or nothing, gets the Japanese mail, even from an English page', async () => {
  const chose = await member('mail-ja', 'ja');
  await requestRecovery('password', { userId: 'mail-ja' }, { acceptLanguage: 'en', lang: 'en' });
  const mail = await stack.mail.next(chose.email);
  expect(mail.subject).toBe('パスワードのリセット');
  expect(mail.text).toContain(`${UNION} Webサービスのパスワードのリセットを受け付けました。\n\n5分以内に次のURLを開き、新しいパスワードを設定してください。\n\nパスワードをリセット:\n`);
  expect(mail.html).toContain('<html lang="ja">');

  const silent = await member('mail-default');
  await requestRecovery('password', { userId: 'mail-default' });
  expect((await stack.mail.next(silent.email)).subject).toBe('パスワードのリセット');
});

test('notices follow the same rule: a lock from an English login page, a factor change for an English member', async () => {
  const union = (await findUnion(db(), 'alpha'))!;
  const deps = { db: db(), mailer: stack.idp.mailer };
  const locked = await member('mail-lock');
  for (let i = 0; i < union.policy.lockoutThreshold; i += 1) {
    await loginWithPassword(deps, union, { loginId: 'mail-lock', password: 'wrong-password-1', ip: '192.0.2.7', userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0 Safari/537.36', locale: 'en' });
  }
  const lock = await stack.mail.next(locked.email);
  expect(lock.subject).toBe('Your account has been locked');
  expect(lock.text).toContain('Browser: Chrome (Windows)\nIP address: 192.0.2.7\n');
  expect(lock.text).toMatch(/Date and time: \d{1,2} [A-Z][a-z]+ \d{4}, \d{2}:\d{2} \(Japan time\)/);
  expect(japaneseIn(lock)).toEqual([]);

  const changed = await member('mail-factor', 'en');
  const account = (await findAccount(db(), 'alpha', changed.accountId))!;
  await announceFactorChange({ ...deps, union, issuerUrl: stack.unions.alpha.issuer, locale: 'ja' }, account, {
    kind: 'added', method: 'totp', label: 'Phone', actor: 'member', userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari/604.1', ip: '192.0.2.8',
  });
  const notice = await stack.mail.next(changed.email);
  expect(notice.subject).toBe('A login method was added');
  expect(notice.text).toContain('Login method: Authenticator app (one-time password)\nDevice name: Phone\nBrowser: Safari (iPhone)\n');
  expect(notice.html).toContain('Stop logins and report</a>');
  expect(japaneseIn(notice)).toEqual([]);
});
