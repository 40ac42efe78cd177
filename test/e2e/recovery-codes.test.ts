import fs from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { addCredential } from '../../idp/mfa/credentials.js';
import { generateRecoveryCodes, useRecoveryCode } from '../../idp/mfa/recovery-codes.js';
import { saveUnion } from '../../idp/unions/union-repository.js';
import { adminApi } from '../helpers/admin-api.js';
import { useStackAndBrowser } from '../helpers/e2e.js';
import { axeViolations } from '../helpers/i18n-checks.js';
import { loginAt, passEmailOtp } from '../helpers/journeys.js';
import { createMemberWithLogin, type TestStack, type TestUnion } from '../helpers/stack.js';

let stack: TestStack;
let browser: Browser;

useStackAndBrowser({}, (env) => ({ stack, browser } = env));

const consoleUrl = (path = '/', slug = 'alpha') => `${stack.idpUrl}/u/${slug}/account${path}`;
const db = () => stack.database.db;
/** The keys the IdP hashes recovery codes with. */
const codeKey = () => ({ box: stack.idp.registry.deps.box, legacyKey: stack.idp.registry.deps.config.cookieKeys[0] });

async function consoleLogin(page: Page, userId: string, password: string, slug = 'alpha') {
  await loginAt(page, consoleUrl('/', slug), userId, password);
  await passEmailOtp(page, stack.mail, `${userId}@example.jp`);
  await page.getByRole('heading', { name: 'アカウント管理' }).waitFor();
}

const shownCodes = async (page: Page) => page.locator('#recovery-codes li').allInnerTexts();

test('console: 生成する shows 10 codes once with a text download; 再生成する kills the old set; notice mail, audit, admin API', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'rc-console', password: 'rc-console-pass', mfa: 'email_otp' });
  const page = await browser.newPage();
  await consoleLogin(page, 'rc-console', 'rc-console-pass');
  await page.getByRole('link', { name: 'ログイン方法変更' }).first().click();
  const status = page.locator('#recovery-codes-status');
  expect(await status.innerText()).toContain('リカバリーコードはまだ発行されていません。');

  await status.getByRole('link', { name: '生成する' }).click();
  await page.getByRole('heading', { name: 'リカバリーコードの生成' }).waitFor();
  expect(await page.locator('#regenerate-warning').count()).toBe(0);
  await page.getByRole('button', { name: '生成する' }).click();
  await page.getByRole('heading', { name: 'リカバリーコード', exact: true }).waitFor();
  const codes = await shownCodes(page);
  expect(codes).toHaveLength(10);
  for (const code of codes) expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);

  // The text download, without any script (the CSP allows none inline).
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'テキストファイルでダウンロード' }).click()]);
  expect(download.suggestedFilename()).toBe('kenpo-recovery-codes.txt');
  const text = await fs.readFile((await download.path())!, 'utf8');
  for (const code of codes) expect(text).toContain(code);
  expect(text).toContain('アルファ健康保険組合');

  // Only hashes in the database; the audit names the event, never a code.
  const rows = await db()('recovery_codes').where({ account_id: accountId });
  expect(rows).toHaveLength(10);
  const audit = await db()('audit_log').where({ target: accountId, action: 'account.recovery_codes.generated' });
  expect(audit).toHaveLength(1);
  for (const code of codes) {
    expect(JSON.stringify(rows)).not.toContain(code.replace('-', ''));
    expect(JSON.stringify(audit)).not.toContain(code.replace('-', ''));
  }
  const notice = await stack.mail.next('rc-console@example.jp', { subject: 'リカバリーコード発行のお知らせ' });
  expect(notice.from?.text).toContain('info@');
  for (const code of codes) expect(notice.text).not.toContain(code);

  // Shown once: neither the login-methods page nor the generation page shows them again.
  await page.goto(consoleUrl('/security'));
  expect(await status.innerText()).toContain('未使用のリカバリーコード：10個');
  await status.getByRole('link', { name: '再生成する' }).click();
  await page.getByRole('heading', { name: 'リカバリーコードの再生成' }).waitFor();
  expect(await page.locator('#regenerate-warning').innerText()).toContain('すべて使えなくなります');
  const html = await page.content();
  for (const code of codes) expect(html).not.toContain(code);

  // One code used (as the login will), then the admin API sees 9.
  expect(await useRecoveryCode(db(), accountId, codes[0], codeKey())).toEqual({ ok: true, remaining: 9 });
  const admin = await adminApi(stack.unions.alpha);
  expect((await admin.call('GET', `/accounts/${accountId}/credentials`)).body.recoveryCodesRemaining).toBe(9);

  // 再生成する: a new set; every old code stops working.
  await page.getByRole('button', { name: '再生成する' }).click();
  await page.getByRole('heading', { name: 'リカバリーコード', exact: true }).waitFor();
  const fresh = await shownCodes(page);
  expect(fresh).toHaveLength(10);
  expect(fresh.filter((c) => codes.includes(c))).toEqual([]);
  for (const code of codes.slice(1)) expect(await useRecoveryCode(db(), accountId, code, codeKey())).toEqual({ ok: false });
  await stack.mail.next('rc-console@example.jp', { subject: 'リカバリーコード発行のお知らせ' });

  // The admin MFA reset removes them with the other factors.
  expect((await admin.call('POST', `/accounts/${accountId}/mfa/reset`)).status).toBe(200);
  expect((await admin.call('GET', `/accounts/${accountId}/credentials`)).body.recoveryCodesRemaining).toBe(0);
  expect(await useRecoveryCode(db(), accountId, fresh[0], codeKey())).toEqual({ ok: false });
  await page.close();
});

test('generating is a CSRF-checked POST: without the form\'s token nothing is generated', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'rc-csrf', password: 'rc-csrf-pass-1', mfa: 'email_otp' });
  const page = await browser.newPage();
  await consoleLogin(page, 'rc-csrf', 'rc-csrf-pass-1');
  const response = await page.request.post(consoleUrl('/recovery-codes'), { form: { csrf: 'forged' }, maxRedirects: 0 });
  expect(response.status()).toBe(403);
  expect(await db()('recovery_codes').where({ account_id: accountId })).toEqual([]);
  await page.close();
});

test('a union whose policy does not allow recovery codes shows no section and no page', async () => {
  const delta = { slug: 'delta', name: 'デルタ健康保険組合', insurerNumber: '06130004' };
  await saveUnion(db(), { ...delta, settings: { mfa: { required: true, allowed: ['email_otp', 'totp'], recommended: 'email_otp', recoveryCodes: false } } });
  stack.unions.delta = { ...delta, issuer: stack.idp.registry.issuerUrl('delta') } as TestUnion;
  await createMemberWithLogin(stack, 'delta', { userId: 'rc-off', password: 'rc-off-pass-1', mfa: 'email_otp' });
  const page = await browser.newPage();
  await consoleLogin(page, 'rc-off', 'rc-off-pass-1', 'delta');
  await page.goto(consoleUrl('/security', 'delta'));
  await page.getByRole('heading', { name: 'ログイン方法変更' }).waitFor();
  expect(await page.getByRole('heading', { name: 'リカバリーコード' }).count()).toBe(0);
  expect((await page.goto(consoleUrl('/recovery-codes', 'delta')))?.status()).toBe(404);
  await page.close();
});

test('lost phone: a recovery code replaces the app at login, says how many remain, mails a notice; the code works once', async () => {
  // A union without e-mail OTP: the app is the only factor, so without the codes the admin would be needed.
  const epsilon = { slug: 'epsilon', name: 'イプシロン健康保険組合', insurerNumber: '06130005' };
  await saveUnion(db(), { ...epsilon, settings: { portalUrl: `${stack.portalUrl}/u/alpha/`, mfa: { required: true, allowed: ['passkey', 'totp'], recommended: 'totp', recoveryCodes: true } } });
  stack.unions.epsilon = { ...epsilon, issuer: stack.idp.registry.issuerUrl('epsilon') } as TestUnion;
  const { accountId } = await createMemberWithLogin(stack, 'epsilon', { userId: 'rc-login', password: 'rc-login-pass', mfa: 'totp' });
  await addCredential(db(), { accountId, type: 'totp', label: 'なくしたスマホ', secret: stack.idp.registry.deps.box.seal('JBSWY3DPEHPK3PXP') });
  const [code] = await generateRecoveryCodes(db(), accountId, codeKey());

  const page = await browser.newPage();
  await loginAt(page, consoleUrl('/', 'epsilon'), 'rc-login', 'rc-login-pass');
  await page.getByRole('heading', { name: '2段階認証' }).waitFor();
  await page.getByRole('link', { name: 'リカバリーコード' }).click();
  expect(await axeViolations(page)).toEqual([]);
  await page.getByLabel('リカバリーコード').fill(code.toLowerCase().replace('-', ' '));
  await page.getByRole('button', { name: 'ログイン' }).click();
  await page.getByRole('heading', { name: 'リカバリーコードでログインしました' }).waitFor();
  expect(await page.getByRole('status').innerText()).toContain('残りのリカバリーコードは9個です。');
  expect(await axeViolations(page)).toEqual([]);
  const notice = await stack.mail.next('rc-login@example.jp', { subject: 'リカバリーコード使用のお知らせ' });
  expect(notice.from?.value[0].address).toBe('info@example.jp');
  await page.getByRole('link', { name: '続ける' }).click();
  await page.getByRole('heading', { name: 'アカウント管理' }).waitFor();
  // The ID token says how: acr mfa, amr recovery_code.
  const session = await db()('account_console_sessions').where({ account_id: accountId }).first();
  expect(JSON.parse(session.data).member).toMatchObject({ acr: 'urn:kenpo-id:loa:mfa', amr: ['pwd', 'recovery_code', 'mfa'] });
  await page.close();

  // The same code again: refused.
  const again = await (await browser.newContext()).newPage();
  await loginAt(again, consoleUrl('/', 'epsilon'), 'rc-login', 'rc-login-pass');
  await again.getByRole('link', { name: 'リカバリーコード' }).click();
  await again.getByLabel('リカバリーコード').fill(code);
  await again.getByRole('button', { name: 'ログイン' }).click();
  expect(await again.getByRole('alert').first().innerText()).toContain('リカバリーコードが正しくないか、既に使用されています。');
  await again.context().close();
});
