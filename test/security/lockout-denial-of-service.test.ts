import type { Browser, BrowserContext } from 'playwright-core';
import { useStackAndBrowser } from '../helpers/e2e.js';
import { submitLogin } from '../helpers/journeys.js';
import { adminApi } from '../helpers/admin-api.js';
import { createMemberWithLogin, type TestStack } from '../helpers/stack.js';

/**
 * The review's attack (Keycloak CVE-2024-1722 class): anyone who knows a user ID types 11 wrong
 * passwords and the member is locked out until an admin acts. With device cookies the lock holds
 * only for browsers the member never completed a login in; the member's own browser still gets in.
 */
let stack: TestStack;
let browser: Browser;
// This file is about the lockout: one address (loopback, outsider and member alike) may fail undelayed.
useStackAndBrowser({ policy: { mfa: { required: false }, loginThrottle: { freeFailures: 1000 } } }, (env) => ({ stack, browser } = env));

const portalHome = () => `${stack.portalUrl}/u/alpha/`;
const alert = (context: BrowserContext) => context.pages()[0].getByRole('alert').first().innerText();

/** A new day in the same browser: no portal or IdP session left, only the device cookie (pages closed first, so no request in flight sets a cookie again). */
async function sessionsOver(context: BrowserContext) {
  await Promise.all(context.pages().map((p) => p.close()));
  for (const c of await context.cookies()) if (!c.name.startsWith('kenpo_device')) await context.clearCookies({ name: c.name });
}

async function loginIn(context: BrowserContext, userId: string, password: string) {
  const page = context.pages()[0] ?? await context.newPage();
  await page.goto(portalHome());
  await page.getByLabel('ユーザID').waitFor({ timeout: 10_000 }).catch(async () => {
    throw new Error(`no login form at ${page.url()}: ${(await page.locator('main').innerText().catch(() => '')).slice(0, 300)}`);
  });
  await submitLogin(page, userId, password);
  return page;
}

test('an outsider\'s 11 wrong passwords lock unknown browsers only: the member\'s own browser logs in', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'dos-victim', password: 'dos-victim-pass' });
  const member = await browser.newContext();
  await (await loginIn(member, 'dos-victim', 'dos-victim-pass')).waitForURL(portalHome());
  expect((await member.cookies()).some((c) => c.name === 'kenpo_device' && c.httpOnly && c.sameSite === 'Lax')).toBe(true);
  await sessionsOver(member);

  const outsider = await browser.newContext();
  for (let i = 1; i <= 11; i += 1) {
    await loginIn(outsider, 'dos-victim', `guess-${i}`);
    expect(await alert(outsider)).toBe('無効なユーザIDまたはパスワードです。');
  }
  expect((await stack.database.db('accounts').where({ id: accountId }).first()).locked_at).not.toBeNull();

  // The member's browser: in, as always.
  await (await loginIn(member, 'dos-victim', 'dos-victim-pass')).waitForURL(portalHome());
  await sessionsOver(member);
  // A browser the member never used: the right password learns of the lock, nothing else does.
  const fresh = await browser.newContext();
  await loginIn(fresh, 'dos-victim', 'dos-victim-pass');
  expect(await alert(fresh)).toContain('アカウントがロックされています');

  // Forgotten by the admin, the member's browser is an unknown one again.
  const admin = await adminApi(stack.unions.alpha);
  expect((await admin.call('GET', `/accounts/${accountId}/devices`)).body.devices).toHaveLength(1);
  expect((await admin.call('DELETE', `/accounts/${accountId}/devices`)).status).toBe(204);
  await loginIn(member, 'dos-victim', 'dos-victim-pass');
  expect(await alert(member)).toContain('アカウントがロックされています');
  await Promise.all([member.close(), outsider.close(), fresh.close()]);
});

test('a trusted browser keeps its own count: its failures lock only itself, and it can be forgotten from the console', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'own-count', password: 'own-count-pass' });
  const member = await browser.newContext();
  await (await loginIn(member, 'own-count', 'own-count-pass')).waitForURL(portalHome());
  const device = await stack.database.db('trusted_devices').where({ account_id: accountId }).first();
  await sessionsOver(member);
  for (let i = 1; i <= 3; i += 1) {
    await loginIn(member, 'own-count', `typo-${i}`);
    expect(await alert(member)).toBe('無効なユーザIDまたはパスワードです。');
  }
  expect(await stack.database.db('trusted_devices').where({ id: device.id }).first()).toMatchObject({ failed_attempts: 3 });
  expect((await stack.database.db('accounts').where({ id: accountId }).first()).failed_attempts).toBe(0);

  // The console's session page lists the browser; 登録を解除 forgets it.
  const page = await loginIn(member, 'own-count', 'own-count-pass');
  await page.goto(`${stack.unions.alpha.issuer}/account/sessions`);
  await page.getByRole('heading', { name: '登録済みのブラウザ' }).waitFor();
  expect(await page.getByText('このブラウザ').count()).toBe(1);
  await page.getByRole('button', { name: /の登録を解除$/ }).click();
  await page.getByText('ブラウザの登録を解除しました。').waitFor();
  expect((await stack.database.db('trusted_devices').where({ id: device.id }).first()).revoked_at).not.toBeNull();
  await member.close();
});
