import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createLocalJWKSet, decodeJwt, jwtVerify, type JSONWebKeySet } from 'jose';
import type { Browser, BrowserContext } from 'playwright-core';
import { createIdp } from '../../idp/app.js';
import { registerClient, webAppClient, type RegisteredClient } from '../../idp/oidc/client-registry.js';
import { createMemberWithLogin, type TestStack } from '../helpers/stack.js';
import { useStackAndBrowser } from '../helpers/e2e.js';

const REDIRECT = 'http://127.0.0.1:9/cb';
const RESOURCE = 'urn:kenpo-id:portal';
let stack: TestStack;
let browser: Browser;
let app: RegisteredClient;

useStackAndBrowser({ policy: { mfa: { required: false } } }, async (env) => {
  // Password-only logins here; second factors have their own tests.
  ({ stack, browser } = env);
  app = await registerClient(stack.idp.registry, 'alpha', webAppClient({ name: 'test app', redirectUris: [REDIRECT], postLogoutRedirectUris: [], medical: true }));
  await createMemberWithLogin(stack, 'alpha', { userId: 'proto-user', password: 'proto-pass-1' }, { nameKanji: '鈴木 一郎' });
});

const basic = (c: RegisteredClient) => `Basic ${Buffer.from(`${c.clientId}:${c.clientSecret}`).toString('base64')}`;

async function post(url: string, client: RegisteredClient, params: Record<string, string>) {
  const response = await fetch(url, { method: 'POST', headers: { authorization: basic(client) }, body: new URLSearchParams(params) });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, any> };
}

function authorizeUrl(issuer: string, clientId: string, extra: Record<string, string> = {}) {
  const verifier = crypto.randomBytes(32).toString('base64url');
  const url = new URL(`${issuer}/auth`);
  url.search = new URLSearchParams({
    client_id: clientId, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid profile offline_access medical',
    prompt: 'consent', resource: RESOURCE, state: 'st', nonce: 'nn',
    code_challenge: crypto.createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256', ...extra,
  }).toString();
  return { url: url.href, verifier };
}

/** Logs in through the real login page and returns the authorization code sent to the redirect URI. */
async function authorize(context: BrowserContext, issuer: string, clientId: string, login?: { userId: string; password: string }) {
  const { url, verifier } = authorizeUrl(issuer, clientId);
  const page = await context.newPage();
  const redirected = page.waitForRequest((r) => r.url().startsWith(REDIRECT));
  await page.goto(url).catch(() => undefined);
  if (login) {
    await page.getByLabel('ユーザID').fill(login.userId);
    await page.getByLabel('パスワード').fill(login.password);
    await page.getByRole('button', { name: 'ログイン' }).click();
  }
  const callback = new URL((await redirected).url());
  await page.close();
  return { code: callback.searchParams.get('code')!, state: callback.searchParams.get('state'), verifier };
}

test('authorization code + PKCE gives an ID token, a JWT access token for the portal and a refresh token', async () => {
  const { issuer } = stack.unions.alpha;
  const context = await browser.newContext();
  const { code, state, verifier } = await authorize(context, issuer, app.clientId, { userId: 'proto-user', password: 'proto-pass-1' });
  expect(state).toBe('st');

  const tokens = await post(`${issuer}/token`, app, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier });
  expect(tokens.status).toBe(200);
  const jwks = createLocalJWKSet(await (await fetch(`${issuer}/jwks`)).json() as JSONWebKeySet);
  const idToken = await jwtVerify(tokens.body.id_token, jwks, { issuer, audience: app.clientId });
  expect(idToken.payload).toMatchObject({ name: '鈴木 一郎', nonce: 'nn', amr: ['pwd'] });
  const accessToken = await jwtVerify(tokens.body.access_token, jwks, { issuer, audience: RESOURCE });
  expect(accessToken.payload.scope).toBe('medical');
  // The household identity travels in the token, so the portal never takes it from a request.
  expect(accessToken.payload).toMatchObject({ insurer_number: '06130001', kigo: '100', edaban: '00', relation: '本人' });
  expect(accessToken.payload.sub).toBe(idToken.payload.sub);

  // Refresh, introspect, revoke.
  const refreshed = await post(`${issuer}/token`, app, { grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token });
  expect(refreshed.status).toBe(200);
  expect(decodeJwt(refreshed.body.access_token).aud).toBe(RESOURCE);
  const refreshToken = refreshed.body.refresh_token ?? tokens.body.refresh_token;
  expect((await post(`${issuer}/token/introspection`, app, { token: refreshToken })).body.active).toBe(true);
  expect((await post(`${issuer}/token/revocation`, app, { token: refreshToken })).status).toBe(200);
  expect((await post(`${issuer}/token`, app, { grant_type: 'refresh_token', refresh_token: refreshToken })).body.error).toBe('invalid_grant');

  // A code works once.
  const replay = await post(`${issuer}/token`, app, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier });
  expect(replay.body.error).toBe('invalid_grant');
  await context.close();
});

test('PKCE is required even for confidential clients', async () => {
  const { url } = authorizeUrl(stack.unions.alpha.issuer, app.clientId, { code_challenge: '', code_challenge_method: '' });
  const response = await fetch(url.replace(/&code_challenge=&code_challenge_method=/, ''), { redirect: 'manual' });
  const location = new URL(response.headers.get('location')!);
  expect(location.origin + location.pathname).toBe(REDIRECT);
  expect(location.searchParams.get('error')).toBe('invalid_request');
  expect(location.searchParams.get('error_description')).toMatch(/PKCE/);
});

test('a union\'s session, tokens and keys mean nothing at another union', async () => {
  const { alpha, beta } = stack.unions;
  const context = await browser.newContext();
  const { code, verifier } = await authorize(context, alpha.issuer, app.clientId, { userId: 'proto-user', password: 'proto-pass-1' });
  const tokens = await post(`${alpha.issuer}/token`, app, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier });

  // Alpha's session cookie is scoped to /u/alpha: at beta the member must log in again.
  const cookies = await context.cookies(alpha.issuer);
  expect(cookies.filter((c) => c.name.startsWith('_session')).every((c) => c.path === '/u/alpha')).toBe(true);
  const page = await context.newPage();
  await page.goto(`${beta.issuer}/auth?${new URLSearchParams({ client_id: beta.portal.clientId, redirect_uri: `${stack.portalUrl}/u/beta/callback`, response_type: 'code', scope: 'openid', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' })}`);
  await expect(page.getByRole('heading', { name: 'ログイン' }).isVisible()).resolves.toBe(true);

  // Alpha's client and tokens are unknown to beta; alpha's signature does not verify with beta's keys.
  expect((await post(`${beta.issuer}/token/introspection`, beta.portal, { token: tokens.body.refresh_token })).body.active).toBe(false);
  expect((await post(`${beta.issuer}/token`, app, { grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token })).status).toBe(401);
  const betaKeys = createLocalJWKSet(await (await fetch(`${beta.issuer}/jwks`)).json() as JSONWebKeySet);
  await expect(jwtVerify(tokens.body.access_token, betaKeys)).rejects.toThrow();
  await context.close();
});

test('signing keys are generated once, kept in the database sealed, and survive a restart', async () => {
  const { issuer } = stack.unions.alpha;
  const before = await (await fetch(`${issuer}/jwks`)).json();
  const rows = await stack.database.db('signing_keys').where({ union_slug: 'alpha' });
  expect(rows).toHaveLength(1);
  expect(rows[0].private_jwk).not.toMatch(/"d"/);

  // A second IdP process on the same database serves the same keys.
  const other = createIdp(stack.idp.registry.deps.config, stack.database.db);
  const server = await other.listen(0);
  const after = await (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/u/alpha/jwks`)).json();
  server.close();
  expect(after).toEqual(before);
  expect(await stack.database.db('signing_keys').where({ union_slug: 'alpha' })).toHaveLength(1);
});
