import type { Browser } from 'playwright-core';
import { submitLogin } from '../helpers/journeys.js';
import { adminToken, createMemberWithLogin, type TestStack } from '../helpers/stack.js';
import { useStackAndBrowser } from '../helpers/e2e.js';

let stack: TestStack;
let browser: Browser;

// The lockout here is counted, not timed: the throttle's growing delays (tested in
// test/security/password-guessing-throttle.test.ts) are cut short so the 13 wrong passwords take no 20 s.
useStackAndBrowser({ policy: { mfa: { required: false }, loginThrottle: { baseDelayMs: 10, maxDelayMs: 20 } } }, (env) => {
  // Password-only logins here; second factors have their own tests.
  ({ stack, browser } = env);
});

test('a member logs in to the portal through the IdP, sees their name, and logs out of both', async () => {
  await createMemberWithLogin(stack, 'alpha', { userId: 'Sato.Taro', password: 'correct-horse-9' }, { nameKanji: '佐藤 太郎' });
  const context = await browser.newContext();
  const page = await context.newPage();

  await page.goto(`${stack.portalUrl}/u/alpha/`);
  expect(page.url()).toContain(`${stack.idpUrl}/u/alpha/interaction/`);
  await expect(page.getByRole('heading', { name: 'ログイン' }).isVisible()).resolves.toBe(true);

  await submitLogin(page, 'SATO.TARO', 'correct-horse-9'); // user IDs are case-insensitive
  await page.waitForURL(`${stack.portalUrl}/u/alpha/`);
  await expect(page.locator('.member-name').textContent()).resolves.toBe('佐藤 太郎 様');
  await expect(page.locator('.brand').textContent()).resolves.toBe('アルファ健康保険組合');
  // "ログイン状態の保存" was not ticked: the IdP session ends with the browser.
  const session = (await context.cookies(`${stack.unions.alpha.issuer}/auth`)).find((c) => c.name === '_session');
  expect(session).toMatchObject({ expires: -1, httpOnly: true, sameSite: 'Lax', path: '/u/alpha' });

  // Logout: the portal session ends, then the IdP asks for confirmation and ends its session too.
  await page.getByRole('button', { name: 'ログアウト' }).click();
  await page.getByText('ログアウトしてもよろしいですか？').waitFor();
  await page.getByRole('button', { name: 'ログアウトする' }).click();
  await page.waitForURL(`${stack.portalUrl}/u/alpha/logged-out`);

  // Both sessions are gone: visiting the portal asks for the password again.
  await page.goto(`${stack.portalUrl}/u/alpha/`);
  expect(page.url()).toContain(`${stack.idpUrl}/u/alpha/interaction/`);
  await context.close();
});

test('"ログイン状態の保存" keeps the IdP session in a persistent cookie', async () => {
  await createMemberWithLogin(stack, 'alpha', { userId: 'remember-me', password: 'remember-pass-1' });
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${stack.portalUrl}/u/alpha/`);
  await submitLogin(page, 'remember-me', 'remember-pass-1', true);
  await page.waitForURL(`${stack.portalUrl}/u/alpha/`);
  const session = (await context.cookies(`${stack.unions.alpha.issuer}/auth`)).find((c) => c.name === '_session');
  expect(session!.expires * 1000).toBeGreaterThan(Date.now() + 24 * 60 * 60 * 1000);
  await context.close();
});

test('a wrong password shows the neutral message and keeps the user ID', async () => {
  await createMemberWithLogin(stack, 'alpha', { userId: 'neutral-user', password: 'right-password-1' });
  const page = await browser.newPage();
  await page.goto(`${stack.portalUrl}/u/alpha/`);
  await submitLogin(page, 'neutral-user', 'wrong-password');
  await expect(page.getByRole('alert').textContent()).resolves.toBe('無効なユーザIDまたはパスワードです。');
  await expect(page.getByLabel('ユーザID').inputValue()).resolves.toBe('neutral-user');
  await submitLogin(page, 'nobody-at-all', 'wrong-password');
  await expect(page.getByRole('alert').textContent()).resolves.toBe('無効なユーザIDまたはパスワードです。');
  await page.close();
});

test('11 wrong passwords lock the account for unknown browsers; the locked page shows only to the right password; the admin API unlocks it', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'locked-member', password: 'my-real-pass-1' });
  const page = await browser.newPage();
  await page.goto(`${stack.portalUrl}/u/alpha/`);
  for (let i = 1; i <= 10; i += 1) {
    await submitLogin(page, 'locked-member', `wrong-${i}`);
    await expect(page.getByRole('alert').textContent()).resolves.toBe('無効なユーザIDまたはパスワードです。');
  }
  // The locking attempt and any later wrong one answer like every wrong password.
  await submitLogin(page, 'locked-member', 'wrong-11');
  await expect(page.getByRole('alert').textContent()).resolves.toBe('無効なユーザIDまたはパスワードです。');
  await submitLogin(page, 'locked-member', 'wrong-12');
  await expect(page.getByRole('alert').textContent()).resolves.toBe('無効なユーザIDまたはパスワードです。');

  // Locked: only the right password learns it, and what to do.
  await submitLogin(page, 'locked-member', 'my-real-pass-1');
  await expect(page.getByRole('alert').textContent()).resolves.toContain('アカウントがロックされています');
  await expect(page.getByRole('alert').textContent()).resolves.toContain('組合管理者');
  const notice = await stack.mail.next('locked-member@example.jp', { subject: 'アカウントロックのお知らせ' });
  expect(notice.text).toContain('パスワードが続けて誤って入力されたため');

  const union = stack.unions.alpha;
  const token = await adminToken(union);
  const headers = { authorization: `Bearer ${token}` };
  const state = await (await fetch(`${union.issuer}/admin/v1/accounts/${accountId}/lockout`, { headers })).json();
  expect(state).toMatchObject({ locked: true, failedAttempts: 11, threshold: 11 });
  const unlocked = await fetch(`${union.issuer}/admin/v1/accounts/${accountId}/unlock`, { method: 'POST', headers });
  expect(unlocked.status).toBe(200);

  await submitLogin(page, 'locked-member', 'my-real-pass-1');
  await page.waitForURL(`${stack.portalUrl}/u/alpha/`);
  await page.close();
});
