import crypto from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { addCredential } from '../../idp/mfa/credentials.js';
import { loginAt, passEmailOtp } from '../helpers/journeys.js';
import { linkIn } from '../helpers/smtp.js';
import { createMemberWithLogin, type TestStack } from '../helpers/stack.js';
import { base32Encode } from '../helpers/totp.js';
import { useStackAndBrowser } from '../helpers/e2e.js';
import { settleBackchannel } from '../helpers/backchannel.js';

/**
 * The review's attack: a thief who has the member's password and got through once holds an IdP
 * session, a refresh token and a portal session. The member then changes a credential. Each of
 * these changes must throw the thief out everywhere, and the portal must be told.
 */
let stack: TestStack;
let browser: Browser;

useStackAndBrowser({}, (env) => ({ stack, browser } = env));

const db = () => stack.database.db;
const consoleUrl = (path = '/') => `${stack.idpUrl}/u/alpha/account${path}`;
const portalHome = () => `${stack.portalUrl}/u/alpha/`;
const recoveryUrl = (path: string) => `${stack.unions.alpha.issuer}/recovery/${path}`;

const rows = (accountId: string, model: string) => db()('oidc_models').where({ union_slug: 'alpha', model, account_id: accountId });

/** The thief's browser: logged in to the portal (an IdP session, a refresh token, a portal session). */
async function thiefLogsIn(userId: string, password: string): Promise<BrowserContext> {
  const thief = await browser.newContext();
  const page = await thief.newPage();
  await loginAt(page, portalHome(), userId, password);
  await passEmailOtp(page, stack.mail, `${userId}@example.jp`);
  await page.waitForURL(portalHome());
  return thief;
}

async function portalSignedIn(context: BrowserContext): Promise<boolean> {
  await settleBackchannel(stack.database.db);
  const response = await context.request.get(portalHome(), { maxRedirects: 0 });
  return response.status() === 200;
}

async function consoleLogin(userId: string, password: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await loginAt(page, consoleUrl('/'), userId, password);
  await passEmailOtp(page, stack.mail, `${userId}@example.jp`);
  await page.getByRole('heading', { name: 'アカウント管理' }).waitFor();
  return page;
}

/** Before the change: the thief is in. */
async function thiefIsIn(accountId: string, thief: BrowserContext) {
  expect(await portalSignedIn(thief)).toBe(true);
  expect((await rows(accountId, 'RefreshToken')).length).toBeGreaterThan(0);
}

/** After it: no session but `kept`, no refresh token, the portal session over, and the audit says the portal was told. */
async function thiefIsOut(accountId: string, thief: BrowserContext, kept: 0 | 1, cause: string) {
  expect(await rows(accountId, 'Session')).toHaveLength(kept);
  expect(await rows(accountId, 'RefreshToken')).toEqual([]);
  expect(await portalSignedIn(thief)).toBe(false);
  // The thief's browser must log in again at the IdP too (its session cookie names nothing).
  const page = await thief.newPage();
  await page.goto(portalHome());
  await page.getByLabel('ユーザID').waitFor();
  const entry = await db()('audit_log').where({ union_slug: 'alpha', action: 'account.sessions.ended', target: accountId }).orderBy('id', 'desc').first();
  expect(JSON.parse(entry.detail)).toMatchObject({ cause, relyingParties: { queued: 1 } });
  await thief.close();
}

test('a password reset by mail ends every session, refresh token and portal session', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'thief-reset', password: 'stolen-pass-1', mfa: 'email_otp' });
  const thief = await thiefLogsIn('thief-reset', 'stolen-pass-1');
  await thiefIsIn(accountId, thief);

  // The member: forgot password → the mailed link → a new password (plain HTTP, as a browser posts the forms).
  const form = await fetch(recoveryUrl('password'));
  const cookie = form.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const csrf = /name="csrf" value="([^"]+)"/.exec(await form.text())![1];
  await fetch(recoveryUrl('password'), {
    method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ csrf, userId: 'thief-reset' }),
  });
  const link = linkIn(await stack.mail.next('thief-reset@example.jp', { subject: 'パスワードのリセット' }), recoveryUrl('password/'));
  const resetPage = await (await fetch(link)).text();
  const resetCsrf = /name="csrf" value="([^"]+)"/.exec(resetPage)![1];
  const done = await fetch(link, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf: resetCsrf, password: 'member-pass-2', confirmation: 'member-pass-2' }),
  });
  expect(await done.text()).toContain('パスワードを更新しました。');

  await thiefIsOut(accountId, thief, 0, 'password_reset');
});

test('a console password change with the checkbox as it is shown (ticked) ends every other session', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'thief-change', password: 'stolen-pass-2', mfa: 'email_otp' });
  const thief = await thiefLogsIn('thief-change', 'stolen-pass-2');
  const page = await consoleLogin('thief-change', 'stolen-pass-2');
  await thiefIsIn(accountId, thief);

  await page.goto(consoleUrl('/password'));
  expect(await page.getByLabel('全てのデバイスからサインアウトする').isChecked()).toBe(true);
  await page.getByLabel('パスワード', { exact: true }).fill('member-pass-3');
  await page.getByLabel('パスワード確認用').fill('member-pass-3');
  await page.getByRole('button', { name: '実行' }).click();
  await page.getByText('パスワードを更新しました。').waitFor();

  await thiefIsOut(accountId, thief, 1, 'password_changed');
  // The member's console stays signed in.
  await page.goto(consoleUrl('/sessions'));
  await page.getByRole('heading', { name: 'ログイン中のセッション' }).waitFor();
  await page.context().close();
});

test('an e-mail change ends every other session when it takes effect', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'thief-email', password: 'stolen-pass-3', mfa: 'email_otp' });
  const thief = await thiefLogsIn('thief-email', 'stolen-pass-3');
  const page = await consoleLogin('thief-email', 'stolen-pass-3');
  await thiefIsIn(accountId, thief);

  await page.goto(consoleUrl('/email'));
  await page.getByLabel('メールアドレス').fill('thief-email-new@example.jp');
  await page.getByRole('button', { name: '実行' }).click();
  await page.getByText('thief-email-new@example.jp に確認メールを送信しました。').waitFor();
  const link = linkIn(await stack.mail.next('thief-email-new@example.jp', { subject: 'メールアドレス変更の確認' }), `${stack.unions.alpha.issuer}/account/email/verify/`);
  await page.goto(link);
  await page.getByRole('button', { name: '確認する' }).click();
  await page.getByText('メールアドレスを変更しました。').waitFor();

  await thiefIsOut(accountId, thief, 1, 'email_changed');
  await page.goto(consoleUrl('/sessions'));
  await page.getByRole('heading', { name: 'ログイン中のセッション' }).waitFor();
  await page.context().close();
});

test('removing a factor ends every other session', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'thief-factor', password: 'stolen-pass-4', mfa: 'email_otp' });
  await addCredential(db(), { accountId, type: 'totp', label: '失くしたスマホ', secret: stack.idp.registry.deps.box.seal(base32Encode(crypto.randomBytes(20))) });
  const thief = await thiefLogsIn('thief-factor', 'stolen-pass-4');
  const page = await consoleLogin('thief-factor', 'stolen-pass-4');
  await thiefIsIn(accountId, thief);

  await page.goto(consoleUrl('/security'));
  await page.getByRole('link', { name: '失くしたスマホを削除' }).click();
  await page.getByRole('button', { name: '削除する' }).click();
  await page.getByText('認証方法を削除しました。').waitFor();

  await thiefIsOut(accountId, thief, 1, 'factor_removed');
  await page.context().close();
});
