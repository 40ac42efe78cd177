import crypto from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { addCredential } from '../../idp/mfa/credentials.js';
import { loginAt, passEmailOtp, submitLogin } from '../helpers/journeys.js';
import { linkIn } from '../helpers/smtp.js';
import { createMemberWithLogin, type TestStack } from '../helpers/stack.js';
import { base32Encode } from '../helpers/totp.js';
import { useStackAndBrowser } from '../helpers/e2e.js';

/**
 * The review's attack: from a console session that passed re-authentication with the e-mail code,
 * the address is changed to the attacker's; the old address only hears of it afterwards, with
 * nothing to click; forgot-password then mails the attacker.
 */
let stack: TestStack;
let browser: Browser;

useStackAndBrowser({}, (env) => ({ stack, browser } = env));

const db = () => stack.database.db;
const issuer = () => stack.unions.alpha.issuer;
const consoleUrl = (path = '/') => `${stack.idpUrl}/u/alpha/account${path}`;
const emailOf = async (accountId: string) => (await db()('accounts').where({ id: accountId }).first('email')).email;
const mailsTo = (address: string) => stack.mail.messages.filter((m) => JSON.stringify(m.to).includes(address));

/** The attacker, with the member's password and a console session that passed the e-mail code. */
async function attackerConsole(userId: string, password: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await loginAt(page, consoleUrl('/'), userId, password);
  await passEmailOtp(page, stack.mail, `${userId}@example.jp`);
  await page.getByRole('heading', { name: 'アカウント管理' }).waitFor();
  return page;
}

async function requestChange(page: Page, email: string): Promise<string> {
  await page.goto(consoleUrl('/email'));
  await page.getByLabel('メールアドレス').fill(email);
  await page.getByRole('button', { name: '実行' }).click();
  await page.getByText(`${email} に確認メールを送信しました。`).waitFor();
  return linkIn(await stack.mail.next(email, { subject: 'メールアドレス変更の確認' }), `${issuer()}/account/email/verify/`);
}

/** 「心当たりがない場合」 from the mail to the old address, sent when the change was requested. */
async function revertLinkFor(oldAddress: string): Promise<string> {
  const mail = await stack.mail.next(oldAddress, { subject: 'メールアドレス変更受付のお知らせ' });
  expect(mail.from?.text).toContain('info@example.jp');
  expect(mail.text).toContain('7日以内');
  return linkIn(mail, `${issuer()}/account/email/revert/`);
}

/** What the member's browser does with a mailed link: GET shows a button, the button POSTs with its CSRF token. */
async function pressRevert(link: string) {
  const shown = await fetch(link);
  expect(shown.status).toBe(200);
  const csrf = /name="csrf" value="([^"]+)"/.exec(await shown.text())![1];
  return fetch(link, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ csrf }) });
}

test('a requested change mails the old address at once; its link cancels the change and the verify link dies', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'takeover-pending', password: 'known-pass-1', mfa: 'email_otp' });
  const attacker = await attackerConsole('takeover-pending', 'known-pass-1');
  const verify = await requestChange(attacker, 'attacker-pending@example.jp');

  // Before anything takes effect, the member has a link.
  const revert = await revertLinkFor('takeover-pending@example.jp');
  expect(await emailOf(accountId)).toBe('takeover-pending@example.jp');
  // A mail scanner's GET does not use it.
  expect((await fetch(revert)).status).toBe(200);
  expect((await fetch(revert)).status).toBe(200);
  const cancelled = await pressRevert(revert);
  expect(cancelled.status).toBe(200);
  expect(await cancelled.text()).toContain('メールアドレスの変更を取り消しました。');

  await attacker.goto(verify);
  await attacker.getByRole('heading', { name: 'URL 無効' }).waitFor();
  const posted = await fetch(verify, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ csrf: 'x' }) });
  expect(posted.status).not.toBe(200);
  expect(await emailOf(accountId)).toBe('takeover-pending@example.jp');
  // Used once only.
  expect((await fetch(revert)).status).toBe(410);
  await attacker.context().close();
});

test('after a confirmed change the old address\'s link restores it, ends every session, revokes the password; forgot-password mails the member', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'takeover-done', password: 'known-pass-2', mfa: 'email_otp' });
  const attacker = await attackerConsole('takeover-done', 'known-pass-2');
  const verify = await requestChange(attacker, 'attacker-done@example.jp');
  const memberRevert = await revertLinkFor('takeover-done@example.jp');
  await attacker.goto(verify);
  await attacker.getByRole('button', { name: '確認する' }).click();
  await attacker.getByText('メールアドレスを変更しました。').waitFor();
  expect(await emailOf(accountId)).toBe('attacker-done@example.jp');

  // The attacker changes it again: the new "old address" is theirs, and its link must not supersede the member's.
  await requestChange(attacker, 'attacker-done-2@example.jp');
  const attackerRevert = await revertLinkFor('attacker-done@example.jp');

  const restored = await pressRevert(memberRevert);
  expect(restored.status).toBe(303);
  const resetPath = restored.headers.get('location')!;
  expect(resetPath).toMatch(/^\/u\/alpha\/recovery\/password\/[A-Za-z0-9_-]{43}$/);
  expect(await emailOf(accountId)).toBe('takeover-done@example.jp');
  expect((await db()('accounts').where({ id: accountId }).first('email_verified_at')).email_verified_at).not.toBeNull();
  expect(await db()('oidc_models').where({ union_slug: 'alpha', account_id: accountId }).whereNot({ model: 'Client' })).toEqual([]);
  expect(await db()('account_console_sessions').where({ account_id: accountId })).toEqual([]);

  // The attacker's console asks for a login again; the password they knew no longer works.
  await attacker.goto(consoleUrl('/profile'));
  await attacker.getByLabel('ユーザID').waitFor();
  await submitLogin(attacker, 'takeover-done', 'known-pass-2');
  expect(await attacker.getByRole('alert').first().innerText()).toContain('無効なユーザIDまたはパスワードです。');
  // Their own revert link, and the pending second change, are dead.
  expect((await fetch(attackerRevert)).status).toBe(410);
  expect(await db()('one_time_links').where({ account_id: accountId, purpose: 'change_email' }).whereNull('used_at').whereNull('superseded_at')).toEqual([]);

  // Forgot password mails the restored address, never the attacker's.
  const before = mailsTo('attacker-done').length;
  const form = await fetch(`${issuer()}/recovery/password`);
  const cookie = form.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const csrf = /name="csrf" value="([^"]+)"/.exec(await form.text())![1];
  await fetch(`${issuer()}/recovery/password`, {
    method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ csrf, userId: 'takeover-done' }),
  });
  await stack.mail.next('takeover-done@example.jp', { subject: 'パスワードのリセット' });
  expect(mailsTo('attacker-done').length).toBe(before);

  // The member was taken straight to the reset form (the link the redirect named, superseded by the mail's now).
  const member = await (await browser.newContext()).newPage();
  const reset = linkIn(stack.mail.messages.filter((m) => m.subject === 'パスワードのリセット' && JSON.stringify(m.to).includes('takeover-done@')).at(-1)!, `${issuer()}/recovery/password/`);
  await member.goto(reset);
  await member.getByLabel('新しいパスワード', { exact: true }).fill('member-pass-9');
  await member.getByLabel('新しいパスワード（確認）').fill('member-pass-9');
  await member.getByRole('button', { name: '実行' }).click();
  await member.getByText('パスワードを更新しました。').waitFor();
  await member.context().close();
  await attacker.context().close();
});

test('the revert link works in a browser: a page with a button, then the new-password form', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'takeover-ui', password: 'known-pass-3', mfa: 'email_otp' });
  const attacker = await attackerConsole('takeover-ui', 'known-pass-3');
  const verify = await requestChange(attacker, 'attacker-ui@example.jp');
  const revert = await revertLinkFor('takeover-ui@example.jp');
  await attacker.goto(verify);
  await attacker.getByRole('button', { name: '確認する' }).click();
  await attacker.getByText('メールアドレスを変更しました。').waitFor();

  const member = await (await browser.newContext()).newPage();
  await member.goto(revert);
  await member.getByRole('button', { name: '変更を取り消す' }).click();
  await member.getByRole('heading', { name: 'パスワードの更新' }).waitFor();
  expect(await emailOf(accountId)).toBe('takeover-ui@example.jp');
  await member.getByLabel('新しいパスワード', { exact: true }).fill('member-pass-8');
  await member.getByLabel('新しいパスワード（確認）').fill('member-pass-8');
  await member.getByRole('button', { name: '実行' }).click();
  await member.getByText('パスワードを更新しました。').waitFor();
  await stack.mail.next('takeover-ui@example.jp', { subject: 'メールアドレス復元のお知らせ' });
  await member.context().close();
  await attacker.context().close();
});

test('with an authenticator app, an e-mail code is not enough to open the e-mail change: the console asks for another factor', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'takeover-app', password: 'known-pass-4', mfa: 'email_otp' });
  await addCredential(db(), { accountId, type: 'totp', label: 'スマホ', secret: stack.idp.registry.deps.box.seal(base32Encode(crypto.randomBytes(20))) });
  const attacker = await attackerConsole('takeover-app', 'known-pass-4');
  for (const path of ['/email']) {
    const response = await attacker.context().request.get(consoleUrl(path), { maxRedirects: 0 });
    expect(response.status()).toBe(303);
    const location = new URL(response.headers().location);
    expect(location.pathname).toMatch(/\/auth$/);
    expect(location.searchParams.get('factor_exclude')).toBe('email_otp');
    expect(location.searchParams.get('prompt')).toBe('login');
  }
  const csrf = await attacker.goto(consoleUrl('/profile')).then(() => attacker.locator('input[name=csrf]').first().inputValue());
  const posted = await attacker.context().request.post(consoleUrl('/email'), { form: { csrf, email: 'attacker-app@example.jp' }, maxRedirects: 0 });
  expect(posted.status()).toBe(303);
  expect(new URL(posted.headers().location).searchParams.get('factor_exclude')).toBe('email_otp');
  expect(await db()('one_time_links').where({ account_id: accountId, purpose: 'change_email' })).toEqual([]);
  await attacker.context().close();
});
