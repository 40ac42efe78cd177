import type { Browser, Page } from 'playwright-core';
import { verifyPassword } from '../../idp/accounts/password-hasher.js';
import { RECOVERY_COOLDOWN_MS } from '../../idp/recovery/cooldown.js';
import { RECOVERY_LIMITS } from '../../idp/recovery/request-guard.js';
import { expectAlert, loginAt, passEmailOtp } from '../helpers/journeys.js';
import { linkIn } from '../helpers/smtp.js';
import { createMemberWithLogin, type TestStack } from '../helpers/stack.js';
import { useStackAndBrowser } from '../helpers/e2e.js';

let stack: TestStack;
let browser: Browser;

useStackAndBrowser({}, (env) => ({ stack, browser } = env));

const NEUTRAL = '詳細な手順を記載したメールをすぐに受信してください。';
const db = () => stack.database.db;
const recoveryUrl = (path: string) => `${stack.unions.alpha.issuer}/recovery/${path}`;
const portalHome = () => `${stack.portalUrl}/u/alpha/`;
const alertText = (page: Page) => page.getByRole('alert').first().innerText();

/** Posts a recovery request form as a browser would (its cookie and CSRF token); the body without the token. */
async function submitRequest(path: 'password' | 'user-id', fields: Record<string, string>) {
  const form = await fetch(recoveryUrl(path));
  const cookie = form.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const csrf = /name="csrf" value="([^"]+)"/.exec(await form.text())![1];
  const response = await fetch(recoveryUrl(path), {
    method: 'POST', redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf, ...fields }),
  });
  return { status: response.status, body: (await response.text()).replace(/name="csrf" value="[^"]*"/g, '') };
}

/** The decision about a request is made after the answer: wait for its audit entry. */
async function auditOf(action: string, target: string, count = 1) {
  for (let i = 0; i < 200; i += 1) {
    const rows = await db()('audit_log').where({ union_slug: 'alpha', action, target }).orderBy('id');
    if (rows.length >= count) return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) }));
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no audit entry ${action} for ${target}`);
}

/** As if the cooldown since the account's last recovery mail had passed (a controlled clock, no waiting). */
const passCooldown = (accountId: string) =>
  db()('recovery_cooldowns').where({ account_id: accountId }).update({ last_mailed_at: Date.now() - RECOVERY_COOLDOWN_MS });

const mailsTo = (address: string, subject: string) =>
  stack.mail.messages.filter((m) => m.subject === subject && JSON.stringify(m.to).includes(address));

async function setNewPassword(page: Page, password: string, confirmation = password) {
  await page.getByLabel('新しいパスワード', { exact: true }).fill(password);
  await page.getByLabel('新しいパスワード（確認）').fill(confirmation);
  await page.getByRole('button', { name: '実行' }).click();
}

test('forgot password: known and unknown user IDs get the same status and body; only the member gets a mail', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'reset-known', password: 'known-pass-123', mfa: 'email_otp' });
  const known = await submitRequest('password', { userId: 'Reset-Known' });
  const unknown = await submitRequest('password', { userId: 'no-such-user' });
  expect(known.status).toBe(200);
  expect(unknown.status).toBe(known.status);
  expect(unknown.body).toBe(known.body);
  expect(known.body).toContain(NEUTRAL);

  const mail = await stack.mail.next('reset-known@example.jp', { subject: 'パスワードのリセット' });
  expect(mail.from?.value[0].address).toBe('no-reply@example.jp');
  expect(linkIn(mail, recoveryUrl('password/'))).toMatch(/\/recovery\/password\/[A-Za-z0-9_-]{43}$/);
  expect(mail.html).toContain('パスワードをリセット</a>');
  const link = await db()('one_time_links').where({ account_id: accountId, purpose: 'reset_password' }).first();
  expect(link.expires_at - link.created_at).toBe(5 * 60_000);

  const [refused] = await auditOf('recovery.password.requested', 'no-such-user');
  expect(refused).toMatchObject({ actor: 'anonymous', outcome: 'failure', detail: { reason: 'unknown_user_id' } });
  expect((await auditOf('recovery.password.requested', accountId))[0].outcome).toBe('success');
});

test('a reset link: GET does not use it, a newer one supersedes it, the policy applies, it works once; the second factor is still asked', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'reset-user', password: 'Old-pass-123', mfa: 'email_otp' });
  await db()('accounts').where({ id: accountId }).update({ must_change_password: true });
  const page = await browser.newPage();

  // From the login page's link.
  await page.goto(portalHome());
  await page.getByRole('link', { name: 'パスワードを忘れた方はこちら' }).click();
  await page.getByLabel('ユーザID').fill('reset-user');
  await page.getByRole('button', { name: '実行' }).click();
  await page.getByText(NEUTRAL).waitFor();
  const firstLink = linkIn(await stack.mail.next('reset-user@example.jp', { subject: 'パスワードのリセット' }), recoveryUrl('password/'));
  await passCooldown(accountId);
  await submitRequest('password', { userId: 'reset-user' });
  const link = linkIn(await stack.mail.next('reset-user@example.jp', { subject: 'パスワードのリセット' }), recoveryUrl('password/'));

  expect((await page.goto(firstLink))?.status()).toBe(410);
  expect(await alertText(page)).toContain('より新しいメールが送信されている');

  // Opening the link (twice, like a mail scanner then the member) leaves it usable.
  expect((await page.goto(link))?.status()).toBe(200);
  expect((await page.goto(link))?.status()).toBe(200);
  await page.getByRole('heading', { name: 'パスワードの更新' }).waitFor();
  expect((await db()('one_time_links').where({ account_id: accountId, purpose: 'reset_password' }).whereNotNull('used_at')).length).toBe(0);

  await setNewPassword(page, 'New-pass-456', 'New-pass-457');
  await expectAlert(page, '確認用のパスワードが一致しません。');
  await setNewPassword(page, 'reset-user');
  await expectAlert(page, 'ユーザIDと同じパスワードは設定できません。');
  await setNewPassword(page, 'short');
  await expectAlert(page, '8文字以上64文字以内');
  await setNewPassword(page, 'Old-pass-123');
  await expectAlert(page, '現在のパスワードと同じパスワードは設定できません。');
  await setNewPassword(page, 'New-pass-456');
  await page.getByText('パスワードを更新しました。').waitFor();

  const account = await db()('accounts').where({ id: accountId }).first();
  expect(await verifyPassword('New-pass-456', account.password_hash)).toBe(true);
  expect(Boolean(account.must_change_password)).toBe(false);
  const notice = await stack.mail.next('reset-user@example.jp', { subject: 'パスワード変更のお知らせ' });
  expect(notice.from?.value[0].address).toBe('no-reply@example.jp');
  expect((await auditOf('recovery.password.reset', accountId))[0].outcome).toBe('success');

  const again = await browser.newPage();
  expect((await again.goto(link))?.status()).toBe(410);
  expect(await alertText(again)).toContain('既に使用されています');
  await again.close();

  // The done page leads to the login; the old password no longer works, the new one still needs the second factor.
  await page.getByRole('link', { name: 'ログイン画面へ' }).click();
  await page.getByLabel('ユーザID').fill('reset-user');
  await page.getByLabel('パスワード').fill('Old-pass-123');
  await page.getByRole('button', { name: 'ログイン' }).click();
  expect(await alertText(page)).toBe('無効なユーザIDまたはパスワードです。');
  await page.close();
  const fresh = await browser.newPage();
  await loginAt(fresh, portalHome(), 'reset-user', 'New-pass-456');
  await passEmailOtp(fresh, stack.mail, 'reset-user@example.jp');
  await fresh.waitForURL(portalHome());
  await fresh.close();
});

test('an expired reset link is refused, when opened and when its form is posted', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'late-user', password: 'late-pass-123' });
  await submitRequest('password', { userId: 'late-user' });
  const link = linkIn(await stack.mail.next('late-user@example.jp', { subject: 'パスワードのリセット' }), recoveryUrl('password/'));
  const page = await browser.newPage();
  await page.goto(link);
  await db()('one_time_links').where({ account_id: accountId, purpose: 'reset_password' }).update({ expires_at: Date.now() - 1000 });
  await setNewPassword(page, 'later-pass-456');
  expect(await alertText(page)).toContain('有効期限が切れています');
  expect((await page.goto(link))?.status()).toBe(410);
  expect(await alertText(page)).toContain('有効期限が切れています');
  const account = await db()('accounts').where({ id: accountId }).first();
  expect(await verifyPassword('late-pass-123', account.password_hash)).toBe(true);
  await page.close();
});

test('too many requests for one user ID from one address are answered the same, without a mail', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'flooded-user', password: 'flood-pass-123' });
  const unknown = await submitRequest('password', { userId: 'flooded-nobody' });
  // The budget is counted in fixed windows: start well inside one, so every request below lands in it.
  const { max, windowMs } = RECOVERY_LIMITS.identityAtIp;
  const left = windowMs - (Date.now() % windowMs);
  if (left < 20_000) await new Promise((resolve) => setTimeout(resolve, left + 100));
  // The budget, spent by real requests: the first mails a link, the rest fall within the mail cooldown.
  for (let i = 0; i < max; i += 1) await submitRequest('password', { userId: 'flooded-user' });
  // Each request's work goes on after its answer, so the entries may land in any order: one mail, the rest denied.
  const outcomes = (await auditOf('recovery.password.requested', accountId, max)).map((e) => e.outcome).sort();
  expect(outcomes).toEqual([...Array(max - 1).fill('denied'), 'success']);
  await stack.mail.next('flooded-user@example.jp', { subject: 'パスワードのリセット' });
  await passCooldown(accountId);

  const limited = await submitRequest('password', { userId: 'flooded-user' });
  expect(limited).toEqual(unknown);
  const [entry] = await auditOf('recovery.password.requested', 'flooded-user');
  expect(entry).toMatchObject({ outcome: 'denied', detail: { reason: 'rate_limited' } });
  expect(await db()('one_time_links').where({ account_id: accountId })).toHaveLength(1);
  expect(mailsTo('flooded-user@example.jp', 'パスワードのリセット')).toHaveLength(1);
});

test('forgot user ID: neutral answers, a one-time link to あなたのID, then パスワード初期化 and a forced change at the next login', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'forgot-id', password: 'Forgot-pass-1', mfa: 'email_otp' }, { birthdate: '1985-04-12' });
  const email = 'forgot-id@example.jp';

  // Wrong birthdate, unknown address: the same answer as the right pair, and no mail.
  const wrongBirthdate = await submitRequest('user-id', { birthdate: '19850413', email });
  const unknownEmail = await submitRequest('user-id', { birthdate: '19850412', email: 'nobody@example.jp' });
  expect((await auditOf('recovery.user_id.requested', accountId))[0].detail).toEqual({ reason: 'birthdate_mismatch' });
  expect((await auditOf('recovery.user_id.requested', 'nobody@example.jp'))[0].detail).toEqual({ reason: 'unknown_email' });
  expect(mailsTo(email, 'ユーザIDのご案内')).toHaveLength(0);
  const right = await submitRequest('user-id', { birthdate: '19850412', email: 'Forgot-ID@example.jp' });
  expect(right.status).toBe(200);
  expect(wrongBirthdate).toEqual(right);
  expect(unknownEmail.status).toBe(right.status);
  expect(unknownEmail.body.replaceAll('nobody@example.jp', email)).toBe(right.body);
  const firstLink = linkIn(await stack.mail.next(email, { subject: 'ユーザIDのご案内' }), recoveryUrl('user-id/'));
  expect(firstLink).not.toContain('forgot-id'); // the mail carries a link, not the ID
  await passCooldown(accountId);

  // From the login page; a format error is explained; a newer mail supersedes the first.
  const page = await browser.newPage();
  await page.goto(portalHome());
  await page.getByRole('link', { name: 'ユーザIDを忘れた方はこちら' }).click();
  await page.getByLabel('生年月日（半角数字8桁）').fill('1985-04-12');
  await page.getByLabel('ご登録いただいたメールアドレス').fill(email);
  await page.getByRole('button', { name: '実行' }).click();
  expect(await alertText(page)).toContain('半角数字8桁');
  await page.getByLabel('生年月日（半角数字8桁）').fill('19850412');
  await page.getByRole('button', { name: '実行' }).click();
  await page.getByText(`${email}`, { exact: true }).waitFor();
  const mail = await stack.mail.next(email, { subject: 'ユーザIDのご案内' });
  expect(mail.from?.value[0].address).toBe('no-reply@example.jp');
  const link = linkIn(mail, recoveryUrl('user-id/'));
  const row = await db()('one_time_links').where({ account_id: accountId, purpose: 'recover_user_id' }).orderBy('created_at', 'desc').first();
  expect(row.expires_at - row.created_at).toBe(60 * 60_000);

  expect((await page.goto(firstLink))?.status()).toBe(410);
  expect(await alertText(page)).toContain('より新しいメールが送信されている');
  await page.goto(link);
  await page.goto(link); // opening does not use it
  await page.getByRole('button', { name: 'ユーザIDを表示する' }).click();
  await page.getByText('あなたのID').waitFor();
  expect(await page.locator('#user-id').innerText()).toBe('forgot-id');
  const grant = await page.locator('input[name=grant]').inputValue();
  const csrf = await page.locator('form:has(input[name=grant]) input[name=csrf]').inputValue();

  const other = await browser.newPage();
  expect((await other.goto(link))?.status()).toBe(410);
  expect(await alertText(other)).toContain('既に使用されています');
  await other.close();

  await page.getByRole('button', { name: 'パスワード初期化' }).click();
  await page.getByText('仮パスワードをお送りしました。').waitFor();
  const temporary = await stack.mail.next(email, { subject: '仮パスワードのお知らせ' });
  const temporaryPassword = /仮パスワード: (\S+)/.exec(temporary.text ?? '')![1];
  expect(temporary.html).toContain(temporaryPassword);

  // The button works once.
  const replay = await fetch(recoveryUrl('temporary-password'), {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ csrf, grant }),
  });
  expect(replay.status).toBe(410);
  expect(await replay.text()).toContain('URL 無効');
  expect((await auditOf('recovery.password.temporary', accountId))[0].outcome).toBe('success');
  await page.close();

  // The old password is gone; at the next login the second factor comes first, then the temporary
  // password must be replaced.
  const next = await browser.newPage();
  await loginAt(next, portalHome(), 'forgot-id', 'Forgot-pass-1');
  expect(await alertText(next)).toBe('無効なユーザIDまたはパスワードです。');
  await loginAt(next, portalHome(), 'forgot-id', temporaryPassword);
  await passEmailOtp(next, stack.mail, email);
  await next.getByRole('heading', { name: '新しいパスワードの設定' }).waitFor();
  await next.getByLabel('新しいパスワード', { exact: true }).fill(temporaryPassword);
  await next.getByLabel('新しいパスワード（確認）').fill(temporaryPassword);
  await next.getByRole('button', { name: '設定する' }).click();
  expect(await alertText(next)).toContain('と同じパスワードは設定できません');
  await next.getByLabel('新しいパスワード', { exact: true }).fill('Chosen-pass-2');
  await next.getByLabel('新しいパスワード（確認）').fill('Chosen-pass-2');
  await next.getByRole('button', { name: '設定する' }).click();
  await next.waitForURL(portalHome());
  expect(Boolean((await db()('accounts').where({ id: accountId }).first()).must_change_password)).toBe(false);
  await next.close();
});

test('an expired user-ID link shows URL 無効', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'late-id', password: 'late-id-pass-1' }, { birthdate: '1990-01-31' });
  await submitRequest('user-id', { birthdate: '19900131', email: 'late-id@example.jp' });
  const link = linkIn(await stack.mail.next('late-id@example.jp', { subject: 'ユーザIDのご案内' }), recoveryUrl('user-id/'));
  await db()('one_time_links').where({ account_id: accountId, purpose: 'recover_user_id' }).update({ expires_at: Date.now() - 1000 });
  const page = await browser.newPage();
  expect((await page.goto(link))?.status()).toBe(410);
  await page.getByRole('heading', { name: 'URL 無効' }).waitFor();
  expect(await alertText(page)).toContain('有効期限が切れています');
  await page.close();
});
