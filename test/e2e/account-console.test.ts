import crypto from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { addCredential } from '../../idp/mfa/credentials.js';
import { saveUnion } from '../../idp/unions/union-repository.js';
import { expectAlert, loginAt, passEmailOtp, submitLogin } from '../helpers/journeys.js';
import { linkIn } from '../helpers/smtp.js';
import { createMemberWithLogin, type TestStack, type TestUnion } from '../helpers/stack.js';
import { base32Encode, totpFor } from '../helpers/totp.js';
import { useStackAndBrowser } from '../helpers/e2e.js';
import { ageAuthentication } from '../helpers/console.js';

let stack: TestStack;
let browser: Browser;

useStackAndBrowser({}, (env) => ({ stack, browser } = env));

const consoleUrl = (path = '/', slug = 'alpha') => `${stack.idpUrl}/u/${slug}/account${path}`;
const portalHome = () => `${stack.portalUrl}/u/alpha/`;
const db = () => stack.database.db;

/** Logs in to the account console (password, then the mailed code). */
async function consoleLogin(page: Page, userId: string, password: string) {
  await loginAt(page, consoleUrl('/'), userId, password);
  await passEmailOtp(page, stack.mail, `${userId}@example.jp`);
  await page.getByRole('heading', { name: 'アカウント管理' }).waitFor();
}

async function portalLogin(page: Page, userId: string, password: string) {
  await loginAt(page, portalHome(), userId, password);
  await passEmailOtp(page, stack.mail, `${userId}@example.jp`);
  await page.waitForURL(portalHome());
}

const sessionCount = async (accountId: string) =>
  (await db()('oidc_models').where({ union_slug: 'alpha', model: 'Session', account_id: accountId })).length;

test('password change: 作成日, the new password twice, not the current one; the old one stops working; a notice mail', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'pw-change', password: 'old-pass-123', mfa: 'email_otp' });
  await db()('accounts').where({ id: accountId }).update({ password_changed_at: Date.UTC(2024, 9, 24, 6, 59) });
  const page = await browser.newPage();
  await consoleLogin(page, 'pw-change', 'old-pass-123');
  await page.getByRole('link', { name: 'ログイン方法変更' }).first().click();
  expect(await page.locator('#password-created').innerText()).toBe('2024年10月24日 15:59');
  await page.getByRole('link', { name: 'パスワードを更新' }).click();
  await page.getByRole('heading', { name: 'パスワードの更新' }).waitFor();

  await page.getByLabel('パスワード', { exact: true }).fill('old-pass-123');
  await page.getByLabel('パスワード確認用').fill('old-pass-123');
  await page.getByRole('button', { name: '実行' }).click();
  await expectAlert(page, '現在のパスワードと同じパスワードは設定できません。');
  await page.getByLabel('パスワード', { exact: true }).fill('new-pass-456');
  await page.getByLabel('パスワード確認用').fill('new-pass-457');
  await page.getByRole('button', { name: '実行' }).click();
  await expectAlert(page, '確認用のパスワードが一致しません。');
  await page.getByLabel('パスワード', { exact: true }).fill('new-pass-456');
  await page.getByLabel('パスワード確認用').fill('new-pass-456');
  await page.getByRole('button', { name: '実行' }).click();
  await page.getByText('パスワードを更新しました。').waitFor();
  expect(await page.locator('#password-created').innerText()).not.toBe('2024年10月24日 15:59');

  const notice = await stack.mail.next('pw-change@example.jp', { subject: 'パスワード変更のお知らせ' });
  expect(notice.from?.text).toContain('info@example.jp');

  const other = await browser.newContext();
  const fresh = await other.newPage();
  await fresh.goto(portalHome());
  await submitLogin(fresh, 'pw-change', 'old-pass-123');
  expect(await fresh.getByRole('alert').innerText()).toContain('無効なユーザIDまたはパスワードです。');
  await submitLogin(fresh, 'pw-change', 'new-pass-456');
  await passEmailOtp(fresh, stack.mail, 'pw-change@example.jp');
  await fresh.waitForURL(portalHome());
  await other.close();
  await page.close();
});

test('全てのデバイスからサインアウトする ends the other browser\'s session and revokes its refresh tokens', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'sign-out-all', password: 'sign-out-pass-1', mfa: 'email_otp' });
  const otherContext = await browser.newContext();
  const other = await otherContext.newPage();
  await portalLogin(other, 'sign-out-all', 'sign-out-pass-1');
  expect((await db()('oidc_models').where({ union_slug: 'alpha', model: 'RefreshToken', account_id: accountId })).length).toBeGreaterThan(0);

  const page = await browser.newPage();
  await consoleLogin(page, 'sign-out-all', 'sign-out-pass-1');
  expect(await sessionCount(accountId)).toBe(2);
  await page.goto(consoleUrl('/password'));
  await page.getByLabel('パスワード', { exact: true }).fill('sign-out-pass-2');
  await page.getByLabel('パスワード確認用').fill('sign-out-pass-2');
  await page.getByLabel('全てのデバイスからサインアウトする').check();
  await page.getByRole('button', { name: '実行' }).click();
  await page.getByText('パスワードを更新しました。').waitFor();

  expect(await sessionCount(accountId)).toBe(1);
  expect(await db()('oidc_models').where({ union_slug: 'alpha', model: 'RefreshToken', account_id: accountId })).toEqual([]);
  // The other browser's next authorization asks for the password again.
  await other.goto(consoleUrl('/'));
  await other.getByLabel('ユーザID').waitFor();
  expect(await other.getByRole('heading', { name: 'ログイン' }).count()).toBe(1);
  // This browser stays signed in.
  await page.goto(consoleUrl('/sessions'));
  await page.getByRole('heading', { name: 'ログイン中のセッション' }).waitFor();
  await otherContext.close();
  await page.close();
});

test('re-authentication: an authentication older than the union\'s max age asks for the password and the second factor again', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'reauth', password: 'reauth-pass-1', mfa: 'email_otp' });
  const page = await browser.newPage();
  await consoleLogin(page, 'reauth', 'reauth-pass-1');
  await ageAuthentication(db(), 'alpha', accountId, 301);

  // Not sensitive: the session list opens without a new authentication.
  await page.goto(consoleUrl('/sessions'));
  await page.getByRole('heading', { name: 'ログイン中のセッション' }).waitFor();

  await page.goto(consoleUrl('/password'));
  await page.getByText('続行するには再度認証してください').waitFor();
  expect(await page.getByLabel('ユーザID').inputValue()).toBe('reauth');
  await page.getByLabel('パスワード', { exact: true }).fill('reauth-pass-1');
  await page.getByRole('button', { name: 'ログイン' }).click();
  await passEmailOtp(page, stack.mail, 'reauth@example.jp');
  await page.getByRole('heading', { name: 'パスワードの更新' }).waitFor();
  expect(page.url()).toBe(consoleUrl('/password'));

  // A form posted after the max age does not change anything either.
  await ageAuthentication(db(), 'alpha', accountId, 301);
  await page.getByLabel('パスワード', { exact: true }).fill('reauth-pass-2');
  await page.getByLabel('パスワード確認用').fill('reauth-pass-2');
  await page.getByRole('button', { name: '実行' }).click();
  await page.getByText('続行するには再度認証してください').waitFor();
  const hash = await db()('accounts').where({ id: accountId }).first('password_hash');
  const { verifyPassword } = await import('../../idp/accounts/password-hasher.js');
  expect(await verifyPassword('reauth-pass-1', hash.password_hash)).toBe(true);
  await page.close();
});

test('factors: an authenticator app added from the console; the last usable factor cannot be deleted; deleting another one mails a notice', async () => {
  // A union without e-mail OTP: the member's authenticator app is the last usable factor.
  const gamma = { slug: 'gamma', name: 'ガンマ健康保険組合', insurerNumber: '06130003' };
  await saveUnion(db(), { ...gamma, settings: { mfa: { required: true, allowed: ['passkey', 'totp'], recommended: 'totp', recoveryCodes: false } } });
  stack.unions.gamma = { ...gamma, issuer: stack.idp.registry.issuerUrl('gamma') } as TestUnion;
  const { accountId } = await createMemberWithLogin(stack, 'gamma', { userId: 'factors', password: 'factors-pass-1', mfa: 'totp' });
  const firstSecret = base32Encode(crypto.randomBytes(20));
  await addCredential(db(), { accountId, type: 'totp', label: '古いスマホ', secret: stack.idp.registry.deps.box.seal(firstSecret) });

  // The old phone's browser is still signed in.
  const oldPhone = await browser.newContext();
  const oldPage = await oldPhone.newPage();
  await loginAt(oldPage, consoleUrl('/', 'gamma'), 'factors', 'factors-pass-1');
  await oldPage.getByLabel('ワンタイムパスワード（6桁）').fill(totpFor(firstSecret));
  await oldPage.getByRole('button', { name: 'ログイン' }).click();
  await oldPage.getByRole('heading', { name: 'アカウント管理' }).waitFor();

  const page = await browser.newPage();
  await loginAt(page, consoleUrl('/security', 'gamma'), 'factors', 'factors-pass-1');
  await page.getByLabel('ワンタイムパスワード（6桁）').fill(totpFor(firstSecret, 1)); // a code is accepted once: the next one
  await page.getByRole('button', { name: 'ログイン' }).click();
  await page.getByRole('heading', { name: 'ログイン方法変更' }).waitFor();
  expect(await page.locator('#apps').innerText()).toContain('古いスマホ');

  await page.getByRole('link', { name: '古いスマホを削除' }).click();
  await page.getByRole('heading', { name: '認証方法の削除' }).waitFor();
  await page.getByRole('button', { name: '削除する' }).click();
  expect(await page.getByRole('alert').innerText()).toContain('最後の二要素認証のため削除できません');
  expect((await db()('credentials').where({ account_id: accountId })).length).toBe(1);
  await page.getByRole('link', { name: '戻る' }).click();

  await page.getByRole('link', { name: 'OTPアプリ認証を設定' }).click();
  await page.getByText('スキャンできませんか?').click();
  const secret = (await page.locator('code.secret').innerText()).trim();
  await page.getByLabel('ワンタイムパスワード（6桁）').fill(totpFor(secret));
  await page.getByLabel('デバイス名').fill('古いスマホ');
  await page.getByRole('button', { name: '登録する' }).click();
  expect(await page.getByRole('alert').innerText()).toContain('このデバイス名は既に登録されています');
  await page.getByLabel('ワンタイムパスワード（6桁）').fill(totpFor(secret));
  await page.getByLabel('デバイス名').fill('新しいスマホ');
  await page.getByLabel('全てのデバイスからサインアウトする').check();
  await page.getByRole('button', { name: '登録する' }).click();
  await page.getByText('OTPアプリを登録しました。').waitFor();
  // 全てのデバイスからサインアウトする: the old phone's session is over, this one goes on.
  expect(await db()('oidc_models').where({ union_slug: 'gamma', model: 'Session', account_id: accountId })).toHaveLength(1);
  await oldPage.goto(consoleUrl('/', 'gamma'));
  await oldPage.getByLabel('ユーザID').waitFor();
  await oldPhone.close();
  const added = await stack.mail.next('factors@example.jp', { subject: '認証方法追加のお知らせ' });
  expect(added.from?.text).toContain('info@example.jp');

  await page.getByRole('link', { name: '古いスマホを削除' }).click();
  await page.getByRole('button', { name: '削除する' }).click();
  await page.getByText('認証方法を削除しました。').waitFor();
  expect(await page.locator('#apps').innerText()).not.toContain('古いスマホ');
  const removed = await stack.mail.next('factors@example.jp', { subject: '認証方法削除のお知らせ' });
  expect(removed.text).toContain('古いスマホ');
  // Now the new app is the last one.
  await page.getByRole('link', { name: '新しいスマホを削除' }).click();
  await page.getByRole('button', { name: '削除する' }).click();
  expect(await page.getByRole('alert').innerText()).toContain('最後の二要素認証のため削除できません');
  await page.close();
});

test('factors: with e-mail OTP usable an app can be removed, and e-mail OTP itself has no 削除', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'factors-mail', password: 'factors-pass-2', mfa: 'email_otp' });
  await addCredential(db(), { accountId, type: 'totp', label: '唯一のアプリ', secret: stack.idp.registry.deps.box.seal(base32Encode(crypto.randomBytes(20))) });
  const page = await browser.newPage();
  await consoleLogin(page, 'factors-mail', 'factors-pass-2');
  await page.goto(consoleUrl('/security'));
  expect(await page.getByRole('link', { name: /削除$/ }).count()).toBe(1);
  await page.getByRole('link', { name: '唯一のアプリを削除' }).click();
  await page.getByRole('button', { name: '削除する' }).click();
  await page.getByText('認証方法を削除しました。').waitFor();
  expect(await db()('credentials').where({ account_id: accountId })).toEqual([]);
  await page.close();
});

test('sessions: the list shows this and other devices; one other session is signed out', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'sessions', password: 'sessions-pass-1', mfa: 'email_otp' });
  const otherContext = await browser.newContext();
  await portalLogin(await otherContext.newPage(), 'sessions', 'sessions-pass-1');
  const page = await browser.newPage();
  await consoleLogin(page, 'sessions', 'sessions-pass-1');
  await page.goto(consoleUrl('/sessions'));
  const items = page.locator('#sessions li');
  expect(await items.count()).toBe(2);
  expect(await page.locator('#sessions').innerText()).toContain('この端末');
  expect(await page.locator('#sessions').innerText()).toContain('パスワード + OTPメール認証');
  await items.filter({ hasNot: page.locator('.badge') }).getByRole('button', { name: /からサインアウト/ }).click();
  await page.getByText('セッションからサインアウトしました。').waitFor();
  expect(await items.count()).toBe(1);
  expect(await sessionCount(accountId)).toBe(1);
  await otherContext.close();
  await page.close();
});

test('profile: user ID change, preferred method into its set-up, e-mail change verified by a link with a notice to the old address', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'profile-a', password: 'profile-pass-1', mfa: 'email_otp' });
  const page = await browser.newPage();
  await consoleLogin(page, 'profile-a', 'profile-pass-1');
  await page.goto(consoleUrl('/profile'));
  expect(await page.getByLabel('ユーザー名').inputValue()).toBe('試験 花子');
  await page.getByLabel('ユーザID').fill('bad id!');
  await page.getByRole('button', { name: '変更' }).click();
  expect(await page.getByRole('alert').innerText()).toContain('ユーザIDに使用できない文字が含まれています');
  await page.getByLabel('ユーザID').fill('profile-b');
  await page.getByLabel('言語').selectOption('en');
  await page.getByRole('button', { name: '変更' }).click();
  // 言語 applies at once: the next page is English; back to Japanese the same way.
  await page.getByText('Your profile has been updated.').waitFor();
  expect(await db()('accounts').where({ id: accountId }).first('user_id', 'language')).toEqual({ user_id: 'profile-b', language: 'en' });
  await page.locator('#language').selectOption('ja');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('プロフィールを変更しました。').waitFor();
  expect((await db()('accounts').where({ id: accountId }).first('language')).language).toBe('ja');

  await page.getByLabel('認証方法').selectOption('totp');
  await page.getByRole('button', { name: '変更' }).click();
  await page.getByRole('heading', { name: 'OTPアプリ認証の設定' }).waitFor();
  expect((await db()('accounts').where({ id: accountId }).first('preferred_mfa')).preferred_mfa).toBe('email_otp');
  await page.getByText('スキャンできませんか?').click();
  const secret = (await page.locator('code.secret').innerText()).trim();
  await page.getByLabel('ワンタイムパスワード（6桁）').fill(totpFor(secret));
  await page.getByLabel('デバイス名').fill('プロフィールから');
  await page.getByRole('button', { name: '登録する' }).click();
  await page.getByText('OTPアプリを登録しました。').waitFor();
  expect((await db()('accounts').where({ id: accountId }).first('preferred_mfa')).preferred_mfa).toBe('totp');
  await page.goto(consoleUrl('/profile'));

  await page.getByRole('link', { name: 'Eメール変更' }).click();
  // The login passed the e-mail code; with an app registered now, the e-mail change asks for the app.
  // The sign-in pages follow the member's 言語 (Japanese again, chosen above).
  await page.getByText('続行するには再度認証してください').waitFor();
  await page.getByLabel('パスワード', { exact: true }).fill('profile-pass-1');
  await page.getByRole('button', { name: 'ログイン' }).click();
  await page.getByLabel('ワンタイムパスワード（6桁）').fill(totpFor(secret, 1));
  await page.getByRole('button', { name: 'ログイン' }).click();
  await page.getByRole('heading', { name: 'メールアドレスの変更' }).waitFor();
  await page.getByLabel('メールアドレス').fill('profile-new@example.jp');
  await page.getByRole('button', { name: '実行' }).click();
  await page.getByText('profile-new@example.jp に確認メールを送信しました。').waitFor();
  expect((await db()('accounts').where({ id: accountId }).first('email')).email).toBe('profile-a@example.jp');
  // Mails follow the member's 言語 (Japanese); an English member's are tested in mail-language.test.ts.
  const mail = await stack.mail.next('profile-new@example.jp', { subject: 'メールアドレス変更の確認' });
  const link = linkIn(mail, `${stack.unions.alpha.issuer}/account/email/verify/`);
  await page.goto(link);
  await page.getByRole('button', { name: '確認する' }).click();
  await page.getByText('メールアドレスを変更しました。').waitFor();
  expect((await db()('accounts').where({ id: accountId }).first('email')).email).toBe('profile-new@example.jp');
  await stack.mail.next('profile-a@example.jp', { subject: 'メールアドレス変更のお知らせ' });
  await page.goto(link);
  await page.getByRole('heading', { name: 'URL 無効' }).waitFor();
  await page.close();
});

test('logout: ログアウトしてもよろしいですか？ then ログアウトする ends the IdP session', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'logout', password: 'logout-pass-1', mfa: 'email_otp' });
  const page = await browser.newPage();
  await consoleLogin(page, 'logout', 'logout-pass-1');
  await page.getByRole('navigation', { name: 'アカウント' }).getByRole('link', { name: 'ログアウト' }).click();
  await page.getByText('ログアウトしてもよろしいですか？').waitFor();
  await page.getByRole('button', { name: 'ログアウトする' }).click();
  await page.getByRole('heading', { name: 'ログアウトしました' }).waitFor();
  expect(await sessionCount(accountId)).toBe(0);
  await page.goto(consoleUrl('/'));
  await page.getByLabel('ユーザID').waitFor();
  await page.close();
});

