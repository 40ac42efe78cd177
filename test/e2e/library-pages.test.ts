import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { registerClient, webAppClient } from '../../idp/oidc/client-registry.js';
import { loginAt, submitLogin } from '../helpers/journeys.js';
import { createMemberWithLogin, type TestStack } from '../helpers/stack.js';
import { useStackAndBrowser } from '../helpers/e2e.js';

// oidc-provider's own pages (form_post, end-session without a session) run an inline script that
// only our CSP's hash lets through; our pages fit a phone. The fixture fails on any CSP violation.
let stack: TestStack;
let browser: Browser;

useStackAndBrowser({ policy: { mfa: { required: false } } }, (env) => ({ stack, browser } = env));

/** A relying party's redirect URI on loopback that records what is posted to it. */
async function formPostReceiver(): Promise<{ url: string; posted: Promise<URLSearchParams>; close(): void }> {
  let received!: (body: URLSearchParams) => void;
  const posted = new Promise<URLSearchParams>((resolve) => { received = resolve; });
  const server = http.createServer((req, res) => {
    if (req.method !== 'POST') return res.writeHead(204).end(); // the browser's favicon request
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      received(new URLSearchParams(body));
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>received</title><p>received</p>');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`, posted, close: () => server.close() };
}

test('response_mode=form_post delivers the code to the relying party in Chromium', async () => {
  await createMemberWithLogin(stack, 'alpha', { userId: 'form-post', password: 'form-post-pass-1' });
  const receiver = await formPostReceiver();
  const union = stack.unions.alpha;
  const client = await registerClient(stack.idp.registry, 'alpha', webAppClient({ name: 'form_post app', redirectUris: [receiver.url], postLogoutRedirectUris: [] }));
  const state = crypto.randomBytes(8).toString('hex');
  const authorize = new URL(`${union.issuer}/auth`);
  authorize.search = new URLSearchParams({
    client_id: client.clientId, redirect_uri: receiver.url, response_type: 'code', response_mode: 'form_post', scope: 'openid',
    state, nonce: 'n-1', code_challenge: crypto.createHash('sha256').update('v'.repeat(43)).digest('base64url'), code_challenge_method: 'S256',
  }).toString();
  const page = await browser.newPage();
  await loginAt(page, authorize.href, 'form-post', 'form-post-pass-1');
  const body = await receiver.posted;
  expect(body.get('state')).toBe(state);
  expect(body.get('code')).toMatch(/.{20,}/);
  await page.getByText('received').waitFor();
  await page.close();
  receiver.close();
});

test('portal ログアウト with the IdP session already gone lands on the portal\'s logged-out page', async () => {
  await createMemberWithLogin(stack, 'alpha', { userId: 'gone-session', password: 'gone-session-pass-1' });
  const context = await browser.newContext();
  const page = await context.newPage();
  await loginAt(page, `${stack.portalUrl}/u/alpha/`, 'gone-session', 'gone-session-pass-1');
  await page.waitForURL(`${stack.portalUrl}/u/alpha/`);
  await context.clearCookies({ name: /^_session/ }); // the IdP session ended (expired, another tab)

  await page.getByRole('button', { name: 'ログアウト' }).click();
  await page.waitForURL(`${stack.portalUrl}/u/alpha/logged-out`);
  await page.getByRole('heading', { name: 'ログアウトしました' }).waitFor();
  await page.goto(`${stack.portalUrl}/u/alpha/`);
  await page.getByLabel('ユーザID').waitFor(); // the portal session ended too
  await context.close();
});

test('the login page and ログイン方法変更 fit a 390 px wide screen without sideways scrolling', async () => {
  await createMemberWithLogin(stack, 'alpha', { userId: 'narrow-screen', password: 'narrow-screen-pass-1' });
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  const scrollWidth = () => page.evaluate('document.documentElement.scrollWidth');
  await page.goto(`${stack.unions.alpha.issuer}/account/security`);
  await page.getByLabel('ユーザID').waitFor();
  expect(await scrollWidth()).toBeLessThanOrEqual(390);
  await submitLogin(page, 'narrow-screen', 'narrow-screen-pass-1');
  await page.getByRole('heading', { name: 'ログイン方法変更' }).waitFor();
  expect(await scrollWidth()).toBeLessThanOrEqual(390);
  await page.close();
});
