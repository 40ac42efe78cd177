import { generateKeyPair, SignJWT } from 'jose';
import type { Browser, BrowserContext } from 'playwright-core';
import { adminApi } from '../helpers/admin-api.js';
import { settleBackchannel } from '../helpers/backchannel.js';
import { loginAt } from '../helpers/journeys.js';
import { createMemberWithLogin, type TestStack } from '../helpers/stack.js';
import { useStackAndBrowser } from '../helpers/e2e.js';

let stack: TestStack;
let browser: Browser;

useStackAndBrowser({ policy: { mfa: { required: false } } }, (env) => {
  // Password-only logins keep these journeys short; second factors have their own tests.
  ({ stack, browser } = env);
});

const portalHome = () => `${stack.portalUrl}/u/alpha/`;
const consoleUrl = (path = '/') => `${stack.idpUrl}/u/alpha/account${path}`;

/** Is this browser still logged in to the portal by its own session (not by a new single sign-on)? */
async function portalSignedIn(context: BrowserContext): Promise<boolean> {
  await settleBackchannel(stack.database.db);
  const response = await context.request.get(portalHome(), { maxRedirects: 0 });
  if (response.status() === 200) return true;
  expect(response.headers().location).toContain('/u/alpha/login');
  return false;
}

async function portalLogin(context: BrowserContext, userId: string, password: string) {
  const page = await context.newPage();
  await loginAt(page, portalHome(), userId, password);
  await page.waitForURL(portalHome());
  expect(await portalSignedIn(context)).toBe(true);
  return page;
}

test('logging out at the IdP (from the account console) also ends the portal login in that browser', async () => {
  await createMemberWithLogin(stack, 'alpha', { userId: 'bcl-console', password: 'bcl-console-1' });
  const context = await browser.newContext();
  const page = await portalLogin(context, 'bcl-console', 'bcl-console-1');
  // Single sign-on into the console, then its ログアウト.
  await page.goto(consoleUrl('/'));
  await page.getByRole('heading', { name: 'アカウント管理' }).waitFor();
  await page.getByRole('navigation', { name: 'アカウント' }).getByRole('link', { name: 'ログアウト' }).click();
  await page.getByRole('button', { name: 'ログアウトする' }).click();
  await page.getByRole('heading', { name: 'ログアウトしました' }).waitFor();

  expect(await portalSignedIn(context)).toBe(false);
  await context.close();
});

test('signing out another device from the console ends that device\'s portal login; the list names the browser', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'bcl-device', password: 'bcl-device-1' });
  const phone = await browser.newContext({ userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1' });
  await portalLogin(phone, 'bcl-device', 'bcl-device-1');

  const desktop = await browser.newContext();
  const page = await desktop.newPage();
  await loginAt(page, consoleUrl('/sessions'), 'bcl-device', 'bcl-device-1');
  await page.getByRole('heading', { name: 'ログイン中のセッション' }).waitFor();
  const list = await page.locator('#sessions').innerText();
  expect(list).toContain('Safari（iPhone）');
  expect(list).toMatch(/Chrome（Linux）\s*この端末/);
  expect(list).toContain('最終利用');

  await page.getByRole('button', { name: /Safari（iPhone）.*からサインアウト/ }).click();
  await page.getByText('セッションからサインアウトしました。').waitFor();
  expect(await portalSignedIn(phone)).toBe(false);
  // The console's own session remains, as the admin sees it too.
  const { body } = await (await adminApi(stack.unions.alpha)).call('GET', `/accounts/${accountId}/sessions`);
  expect(body.sessions).toHaveLength(1);
  expect(body.sessions[0].device).toBe('Chrome（Linux）');
  await phone.close();
  await desktop.close();
});

test('an admin ending the member\'s sessions logs them out of the portal, and the audit says the portal was told', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'bcl-admin', password: 'bcl-admin-1' });
  const context = await browser.newContext();
  await portalLogin(context, 'bcl-admin', 'bcl-admin-1');
  const admin = await adminApi(stack.unions.alpha);
  expect((await admin.call('DELETE', `/accounts/${accountId}/sessions`)).status).toBe(204);

  expect(await portalSignedIn(context)).toBe(false);
  const { body } = await admin.call('GET', `/audit?target=${accountId}`);
  const entry = body.entries.find((e: { action: string }) => e.action === 'admin.account.sessions.end');
  expect(entry.detail).toMatchObject({ endedSessions: 1, relyingParties: { queued: 1 } });
  // The worker's delivery is audited with its outcome, and visible per client.
  const delivered = (await admin.call('GET', `/audit?target=${accountId}`)).body.entries.find((e: { action: string }) => e.action === 'backchannel.delivery');
  expect(delivered).toMatchObject({ outcome: 'success', detail: { clientId: stack.unions.alpha.portal.clientId, attempt: 1 } });
  const { body: outbox } = await admin.call('GET', `/clients/${stack.unions.alpha.portal.clientId}/backchannel-deliveries`);
  expect(outbox.deliveries.find((d: { sub: string }) => d.sub === accountId)).toMatchObject({ status: 'delivered', attempts: 1, lastError: null });
  await context.close();
});

test('the portal refuses logout tokens it cannot trust, and the member stays logged in', async () => {
  await createMemberWithLogin(stack, 'alpha', { userId: 'bcl-forged', password: 'bcl-forged-1' });
  const context = await browser.newContext();
  await portalLogin(context, 'bcl-forged', 'bcl-forged-1');
  const session = await stack.portalDatabase.db('portal_session_logins').where({ union_slug: 'alpha' }).orderBy('expires_at', 'desc').first();
  const union = stack.unions.alpha;

  // Right claims, wrong key: someone who knows the sid but not the issuer's private key.
  const { privateKey } = await generateKeyPair('RS256');
  const forged = await new SignJWT({ events: { 'http://schemas.openid.net/event/backchannel-logout': {} }, sid: session.idp_sid })
    .setProtectedHeader({ alg: 'RS256', typ: 'logout+jwt', kid: 'sig-1' })
    .setIssuer(union.issuer).setAudience(union.portal.clientId).setSubject(session.sub).setIssuedAt().setJti('forged-1').setExpirationTime('2m')
    .sign(privateKey);
  for (const body of [new URLSearchParams({ logout_token: forged }), new URLSearchParams({ logout_token: 'not-a-jwt' }), new URLSearchParams()]) {
    const response = await fetch(`${stack.portalUrl}/u/alpha/backchannel-logout`, { method: 'POST', body });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'invalid_request', error_description: 'invalid logout token' });
  }
  expect(await portalSignedIn(context)).toBe(true);
  await context.close();
});
