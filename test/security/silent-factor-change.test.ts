import { jest } from '@jest/globals';
import crypto from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { ParsedMail } from 'mailparser';
import { findAccount } from '../../idp/accounts/account-repository.js';
import { listAudit } from '../../audit/audit-log.js';
import { addCredential } from '../../idp/mfa/credentials.js';
import { announceFactorChange } from '../../idp/mfa/factor-notice.js';
import { findUnion } from '../../idp/unions/union-repository.js';
import { adminApi } from '../helpers/admin-api.js';
import { loginAt, passEmailOtp } from '../helpers/journeys.js';
import { linkIn } from '../helpers/smtp.js';
import { createMemberWithLogin, type TestStack } from '../helpers/stack.js';
import { base32Encode, totpFor } from '../helpers/totp.js';
import { useStackAndBrowser } from '../helpers/e2e.js';
import { settleBackchannel } from '../helpers/backchannel.js';

/**
 * The attack: a second factor is added or removed (by whoever has the password and a session, or
 * by an admin) and the member is never told, or is told with nothing to do about it. Every change
 * must mail the verified address with a one-time link that ends every session and flags the account.
 */
let stack: TestStack;
let browser: Browser;

useStackAndBrowser({}, (env) => ({ stack, browser } = env));

const db = () => stack.database.db;
const consoleUrl = (path = '/') => `${stack.idpUrl}/u/alpha/account${path}`;
const portalHome = () => `${stack.portalUrl}/u/alpha/`;
const reportPrefix = () => `${stack.unions.alpha.issuer}/account/report/`;
const WHEN = /\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}（日本時間）/;

async function portalSignedIn(context: BrowserContext): Promise<boolean> {
  await settleBackchannel(stack.database.db);
  const response = await context.request.get(portalHome(), { maxRedirects: 0 });
  return response.status() === 200;
}

const countOf = async (model: string, accountId: string) =>
  (await db()('oidc_models').where({ union_slug: 'alpha', model, account_id: accountId })).length;

/** The report link as a mail scanner (GET) and as the member's button (GET, then POST with the page's token) would use it. */
async function openReport(link: string): Promise<{ status: number; html: string }> {
  const response = await fetch(link, { redirect: 'manual' });
  return { status: response.status, html: await response.text() };
}

async function postReport(link: string, csrf: string): Promise<{ status: number; html: string }> {
  const response = await fetch(link, {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf }),
  });
  return { status: response.status, html: await response.text() };
}

async function pressReport(link: string): Promise<{ status: number; html: string; csrf: string }> {
  const csrf = /name="csrf" value="([^"]+)"/.exec((await openReport(link)).html)?.[1] ?? '';
  return { ...(await postReport(link, csrf)), csrf };
}

async function consoleLogin(page: Page, userId: string, password: string) {
  await loginAt(page, consoleUrl('/'), userId, password);
  await passEmailOtp(page, stack.mail, `${userId}@example.jp`);
  await page.getByRole('heading', { name: 'アカウント管理' }).waitFor();
}

function expectNotice(mail: ParsedMail, subject: string) {
  expect(mail.subject).toBe(subject);
  expect(mail.from?.text).toContain('info@example.jp');
  expect(mail.html).toBeTruthy();
  expect(mail.text).toMatch(WHEN);
  expect(mail.text).toContain('お心当たりがない場合');
  return linkIn(mail, reportPrefix());
}

test('a factor added and removed in the console mails the member; the link ends every session and flags the account, once', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'silent-add', password: 'silent-add-pass-1', mfa: 'email_otp' });
  // Whoever holds the password and the mailbox's code for this login adds an authenticator app.
  const intruderContext = await browser.newContext();
  const page = await intruderContext.newPage();
  await consoleLogin(page, 'silent-add', 'silent-add-pass-1');
  await page.goto(consoleUrl('/security'));
  await page.getByRole('link', { name: 'OTPアプリ認証を設定' }).click();
  await page.getByText('スキャンできませんか?').click();
  const secret = (await page.locator('code.secret').innerText()).trim();
  await page.getByLabel('ワンタイムパスワード（6桁）').fill(totpFor(secret));
  await page.getByLabel('デバイス名').fill('知らないスマホ');
  await page.getByRole('button', { name: '登録する' }).click();
  await page.getByText('OTPアプリを登録しました。').waitFor();

  const added = await stack.mail.next('silent-add@example.jp', { subject: '認証方法追加のお知らせ' });
  const addedLink = expectNotice(added, '認証方法追加のお知らせ');
  expect(added.text).toContain('認証方法：OTPアプリ認証（認証アプリ）');
  expect(added.text).toContain('デバイス名：知らないスマホ');
  expect(added.text).toContain('ブラウザ：Chrome（Linux）');
  expect(added.html).toContain(addedLink);

  // Removing it mails too; that newer mail leaves the first mail's link usable.
  await page.goto(consoleUrl('/security'));
  await page.getByRole('link', { name: '知らないスマホを削除' }).click();
  await page.getByRole('button', { name: '削除する' }).click();
  await page.getByText('認証方法を削除しました。').waitFor();
  const removed = await stack.mail.next('silent-add@example.jp', { subject: '認証方法削除のお知らせ' });
  expectNotice(removed, '認証方法削除のお知らせ');
  expect(removed.text).toContain('デバイス名：知らないスマホ');

  // The member's own portal login elsewhere, which the report must end too.
  const memberContext = await browser.newContext();
  const memberPage = await memberContext.newPage();
  await loginAt(memberPage, portalHome(), 'silent-add', 'silent-add-pass-1');
  await passEmailOtp(memberPage, stack.mail, 'silent-add@example.jp');
  await memberPage.waitForURL(portalHome());

  // A mail scanner's GET shows a button and changes nothing.
  const sessionsBefore = await countOf('Session', accountId);
  expect(sessionsBefore).toBe(2);
  for (let i = 0; i < 2; i += 1) {
    const opened = await openReport(addedLink);
    expect(opened.status).toBe(200);
    expect(opened.html).toContain('ログインを止めて報告する');
  }
  expect(await countOf('Session', accountId)).toBe(2);
  // A POST without the page's token does nothing either.
  const forged = await fetch(addedLink, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'csrf=x' });
  expect(forged.status).toBe(403);
  expect(await countOf('Session', accountId)).toBe(2);

  const reported = await pressReport(addedLink);
  expect(reported.status).toBe(200);
  expect(reported.html).toContain('ご報告を受け付けました');
  expect(reported.html).toContain('/u/alpha/recovery/password');
  expect(reported.html).not.toMatch(/at .*\.ts:\d+/);

  // Every IdP session, grant and refresh token is gone; console and portal logins no longer work.
  expect(await countOf('Session', accountId)).toBe(0);
  expect(await countOf('Grant', accountId)).toBe(0);
  expect(await countOf('RefreshToken', accountId)).toBe(0);
  expect(await db()('account_console_sessions').where({ account_id: accountId })).toEqual([]);
  expect(await portalSignedIn(memberContext)).toBe(false);
  await page.goto(consoleUrl('/'));
  await page.getByLabel('ユーザID').waitFor();

  // The union sees the account needs attention; the audit says what happened.
  const admin = await adminApi(stack.unions.alpha);
  const { body } = await admin.call('GET', '/accounts?user_id=silent-add');
  expect(Date.parse(body.accounts[0].attentionRequestedAt)).toBeGreaterThan(Date.now() - 60_000);
  const audit = await admin.call('GET', `/audit?target=${accountId}`);
  const actions = audit.body.entries.map((e: { action: string }) => e.action);
  expect(actions).toContain('account.change_reported');
  expect(actions.filter((a: string) => a === 'account.factor.notice_sent')).toHaveLength(2);

  // The link works once, even with the page's token.
  const again = await postReport(addedLink, reported.csrf);
  expect(again.status).toBe(410);
  expect(again.html).toContain('URL 無効');
  expect((await openReport(addedLink)).status).toBe(410);
  await memberContext.close();
  await intruderContext.close();
});

test('an admin MFA reset mails the member too; each mail\'s link stays valid for 7 days; unknown and expired links say URL 無効', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'silent-reset', password: 'silent-reset-pass-1', mfa: 'totp' });
  await addCredential(db(), { accountId, type: 'totp', label: '古いスマホ', secret: stack.idp.registry.deps.box.seal(base32Encode(crypto.randomBytes(20))) });
  const admin = await adminApi(stack.unions.alpha);

  expect((await admin.call('POST', `/accounts/${accountId}/mfa/reset`)).status).toBe(200);
  const first = await stack.mail.next('silent-reset@example.jp', { subject: '認証方法リセットのお知らせ' });
  const firstLink = expectNotice(first, '認証方法リセットのお知らせ');
  expect(first.text).toContain('管理者');
  expect(first.text).toContain('認証方法：すべての二要素認証');

  expect((await admin.call('POST', `/accounts/${accountId}/mfa/reset`)).status).toBe(200);
  const secondLink = expectNotice(await stack.mail.next('silent-reset@example.jp', { subject: '認証方法リセットのお知らせ' }), '認証方法リセットのお知らせ');
  expect(secondLink).not.toBe(firstLink);
  expect((await openReport(firstLink)).status).toBe(200);

  const links = await db()('one_time_links').where({ account_id: accountId, purpose: 'report_factor_change' });
  expect(links).toHaveLength(2);
  for (const link of links) expect(Number(link.expires_at) - Number(link.created_at)).toBe(7 * 24 * 60 * 60_000);

  expect((await admin.call('GET', '/accounts?user_id=silent-reset')).body.accounts[0].attentionRequestedAt).toBeNull();
  expect((await pressReport(firstLink)).status).toBe(200);
  expect((await admin.call('GET', '/accounts?user_id=silent-reset')).body.accounts[0].attentionRequestedAt).toEqual(expect.any(String));

  const csrf = /name="csrf" value="([^"]+)"/.exec((await openReport(secondLink)).html)![1];
  await db()('one_time_links').where({ account_id: accountId, purpose: 'report_factor_change' }).update({ expires_at: Date.now() - 1 });
  const expired = await openReport(secondLink);
  expect(expired.status).toBe(410);
  expect(expired.html).toContain('有効期限が切れています');
  expect((await postReport(secondLink, csrf)).status).toBe(410);

  const unknown = await openReport(`${reportPrefix()}not-a-token`);
  expect(unknown.status).toBe(410);
  expect(unknown.html).toContain('URL 無効');
});

test('a failing mail server never fails the change: the failure is audited', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'silent-smtp', password: 'silent-smtp-pass-1' });
  const account = (await findAccount(db(), 'alpha', accountId))!;
  const union = (await findUnion(db(), 'alpha'))!;
  const mailer = { send: async () => { throw new Error('connection refused'); } };
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  await expect(announceFactorChange({ db: db(), mailer, union, issuerUrl: stack.unions.alpha.issuer }, account, {
    kind: 'added', method: 'passkey', label: 'ノートPC', actor: 'member', userAgent: 'Mozilla/5.0 (iPhone) Safari/605.1',
  })).resolves.toBeUndefined();
  warn.mockRestore();
  const [entry] = await listAudit(db(), 'alpha', { target: accountId });
  expect(entry).toMatchObject({ action: 'account.factor.notice_sent', outcome: 'failure', detail: { reason: 'mail_failed' } });
});
