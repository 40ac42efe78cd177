import { findAccount, updateAccount } from '../../idp/accounts/account-repository.js';
import { newPasswordErrors } from '../../idp/accounts/password-change.js';
import { verifyPassword } from '../../idp/accounts/password-hasher.js';
import { COMMON_PASSWORD_MESSAGE, CONTEXT_WORD_MESSAGE, commonPasswords } from '../../idp/accounts/password-strength.js';
import { findUnion } from '../../idp/unions/union-repository.js';
import { csrfOf, HttpAgent, passwordLogin, textOf, type Page } from '../helpers/http-agent.js';
import { linkIn } from '../helpers/smtp.js';
import { createMemberWithLogin, startStack, type TestStack } from '../helpers/stack.js';
import { idpText, type IdpSaid } from '../../idp/i18n/text.js';

/**
 * The review's finding: `password` was accepted as a new password. Common passwords (a list of about
 * a million) and the member's own data (user ID, birthdate, 記号番号, the union) are refused wherever
 * a password is set: the first-login journey, the account console and recovery by mail.
 */
let stack: TestStack;
beforeAll(async () => { stack = await startStack(); });
afterAll(async () => { await stack.close(); });

const db = () => stack.database.db;
const issuer = () => stack.unions.alpha.issuer;
const hashOf = async (accountId: string) => (await db()('accounts').where({ id: accountId }).first('password_hash')).password_hash as string;

// Each member's own card (記号 100, 番号 as given), born 1979-08-22.
const card = (bango: string) => ({ kigo: '100', bango, birthdate: '1979-08-22' });

/** Signs in with the password and the mailed one-time code; returns the page the login ends on. */
async function loginWithMailCode(agent: HttpAgent, url: string, userId: string, password: string): Promise<Page> {
  const challenge = await passwordLogin(agent, url, userId, password);
  expect(textOf(challenge.html)).toContain('ワンタイムパスワードを送信しました');
  const mail = await stack.mail.next(`${userId}@example.jp`, { subject: 'ワンタイムパスワードのお知らせ' });
  const code = /ワンタイムパスワード: (\d{6})/.exec(mail.text ?? '')![1];
  return agent.submit(challenge, /\/mfa\/code\/email_otp$/, { code, action: 'verify' });
}

/** The sentence a member reading Japanese sees. */
const shown = (said: IdpSaid) => idpText('ja').say(said);
const errorsOn = (page: Page) => textOf(/<div class="error"[\s\S]*?<\/div>/.exec(page.html)?.[0] ?? '');

test('the list: about a million entries in a Set, looked up case-insensitively', () => {
  const list = commonPasswords();
  expect(list).toBeInstanceOf(Set);
  expect(list.size).toBeGreaterThanOrEqual(100_000);
  for (const p of ['password', '12345678', 'iloveyou', 'p@ssw0rd', 'qwerty123']) expect(list.has(p)).toBe(true);
  // Loaded once per process.
  expect(commonPasswords()).toBe(list);
});

test('newPasswordErrors on the real database: list entries and the member\'s own data are refused, others pass', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'weak-direct', password: 'weak-direct-pass' }, card('24680'));
  const union = (await findUnion(db(), 'alpha'))!;
  const account = (await findAccount(db(), 'alpha', accountId))!;
  const errors = (password: string) => newPasswordErrors(db(), union, account, { password, confirmation: password });

  for (const p of ['password', 'Password', 'PASSWORD1', 'iloveyou', 'sunshine', 'qwerty123', 'P@ssw0rd', 'trustno1', '1qaz2wsx']) {
    expect([p, await errors(p)]).toEqual([p, [COMMON_PASSWORD_MESSAGE]]);
  }
  for (const p of [
    'my-Weak-Direct-7', // the user ID
    'hoge19790822', 'x790822-kumo', 'kumo1979-08-22', // the birthdate, with or without separators
    '10024680kumo', 'kumo-100-24680', // 記号 + 番号
    'alpha-no-kumo', // the union's slug
  ]) {
    expect([p, await errors(p)]).toEqual([p, [CONTEXT_WORD_MESSAGE]]);
  }
  expect(await errors('kumo-no-ue-77')).toEqual([]);
  // The policy's own messages come first (and still say what they said).
  expect((await errors('short')).map(shown)).toEqual(['パスワードは8文字以上64文字以内で入力してください。']);
  expect((await errors('weak-direct')).map(shown)).toEqual(['ユーザIDと同じパスワードは設定できません。']);
});

test('recovery by mail (HTTP): `password` and the birthdate are refused with a clear message, the link still works', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'weak-reset', password: 'weak-reset-old-1', mfa: 'email_otp' }, card('24681'));
  const agent = new HttpAgent();
  const request = await agent.follow(`${issuer()}/recovery/password`);
  await agent.submit(request, /\/recovery\/password$/, { userId: 'weak-reset' });
  const link = linkIn(await stack.mail.next('weak-reset@example.jp', { subject: 'パスワードのリセット' }), `${issuer()}/recovery/password/`);
  let page = await agent.follow(link);
  // The reset form posts back to the link itself.
  const post = (password: string) => agent.follow(link, { form: { csrf: csrfOf(page), password, confirmation: password } });

  page = await post('password');
  expect(page.status).toBe(400);
  expect(errorsOn(page)).toContain(shown(COMMON_PASSWORD_MESSAGE));
  page = await post('kumo-19790822');
  expect(errorsOn(page)).toContain(shown(CONTEXT_WORD_MESSAGE));
  expect(await verifyPassword('weak-reset-old-1', await hashOf(accountId))).toBe(true);

  page = await post('kumo-no-ue-77');
  expect(textOf(page.html)).toContain('パスワードを更新しました。');
  expect(await verifyPassword('kumo-no-ue-77', await hashOf(accountId))).toBe(true);
});

test('the account console (HTTP): a list entry and the 記号番号 are refused; the password stays', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'weak-console', password: 'weak-console-old-1', mfa: 'email_otp' }, card('24682'));
  const agent = new HttpAgent();
  await loginWithMailCode(agent, `${issuer()}/account/`, 'weak-console', 'weak-console-old-1');
  let page = await agent.follow(`${issuer()}/account/password`);
  expect(textOf(page.html)).toContain('パスワードの更新');

  page = await agent.submit(page, /\/account\/password$/, { password: 'iloveyou', confirmation: 'iloveyou' });
  expect(page.status).toBe(400);
  expect(errorsOn(page)).toContain(shown(COMMON_PASSWORD_MESSAGE));
  page = await agent.submit(page, /\/account\/password$/, { password: 'card-100-24682', confirmation: 'card-100-24682' });
  expect(errorsOn(page)).toContain(shown(CONTEXT_WORD_MESSAGE));
  expect(await verifyPassword('weak-console-old-1', await hashOf(accountId))).toBe(true);

  page = await agent.submit(page, /\/account\/password$/, { password: 'kumo-no-ue-78', confirmation: 'kumo-no-ue-78' });
  expect(await verifyPassword('kumo-no-ue-78', await hashOf(accountId))).toBe(true);
});

test('the first-login journey (HTTP): the password step refuses `password` and the user ID', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'weak-journey', password: 'weak-journey-old-1', mfa: 'email_otp' }, card('24683'));
  // As after a migrated initial password: the journey's password step is unmet.
  await updateAccount(db(), accountId, { mustChangePassword: true });
  const agent = new HttpAgent();
  let page = await loginWithMailCode(agent, `${stack.portalUrl}/u/alpha/`, 'weak-journey', 'weak-journey-old-1');
  expect(textOf(page.html)).toContain('新しいパスワードの設定');

  page = await agent.submit(page, /\/step\/password$/, { password: 'password', confirmation: 'password' });
  expect(errorsOn(page)).toContain(shown(COMMON_PASSWORD_MESSAGE));
  page = await agent.submit(page, /\/step\/password$/, { password: 'WEAK-JOURNEY-2', confirmation: 'WEAK-JOURNEY-2' });
  expect(errorsOn(page)).toContain(shown(CONTEXT_WORD_MESSAGE));
  expect(await verifyPassword('weak-journey-old-1', await hashOf(accountId))).toBe(true);

  page = await agent.submit(page, /\/step\/password$/, { password: 'kumo-no-ue-79', confirmation: 'kumo-no-ue-79' });
  expect(page.url.startsWith(`${stack.portalUrl}/u/alpha/`)).toBe(true);
  expect(await verifyPassword('kumo-no-ue-79', await hashOf(accountId))).toBe(true);
});
