import crypto from 'node:crypto';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { HttpAgent, formsOf } from '../helpers/http-agent.js';
import { base32Encode } from '../helpers/totp.js';
import { addCredential } from '../../idp/mfa/credentials.js';
import { SecretBox } from '../../idp/security/encryption.js';
import { loadIdpConfig } from '../../idp/config.js';
import { createMemberWithLogin } from '../helpers/stack.js';
import { webAppClient } from '../../idp/oidc/client-registry.js';
import { RESOURCES } from '../../idp/oidc/resources.js';
import {
  authorizationRequest, authorize, callbackOf, discoverRp, exchange, isLoginPage, navigate, REDIRECT_URI, RP_ORIGIN,
  signIn, sleep, submitPassword, tokenRequest, useConformanceOp,
} from './conformance-op.js';

/**
 * The OpenID Foundation's Basic OP test plan (oidcc-basic-certification-test-plan, code flow,
 * client_secret_basic and client_secret_post), against the production IdP. Test names start with
 * the plan's module names.
 */
const op = useConformanceOp();
const PORTAL_RESOURCE = RESOURCES.portal;

async function userinfo(accessToken: string, how: 'GET' | 'POST header' | 'POST body') {
  const response = await fetch(`${op.issuer}/me`, how === 'POST body'
    ? { method: 'POST', body: new URLSearchParams({ access_token: accessToken }) }
    : { method: how === 'GET' ? 'GET' : 'POST', headers: { authorization: `Bearer ${accessToken}` } });
  return { status: response.status, body: await response.json() as Record<string, unknown> };
}

describe('code flow', () => {
  test('oidcc-server: code + PKCE + nonce; the response names the issuer (RFC 9207); the ID token checks out', async () => {
    const member = await op.member('basic-server');
    const agent = new HttpAgent();
    const request = await authorizationRequest(op.rp);
    const callback = callbackOf(await authorize(agent, request, member));
    expect(callback.origin + callback.pathname).toBe(REDIRECT_URI);
    expect(callback.searchParams.get('iss')).toBe(op.issuer);
    expect(callback.searchParams.get('state')).toBe(request.state);

    const tokens = await exchange(op.rp, callback, request);
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({ iss: op.issuer, aud: op.rp.clientId, nonce: request.nonce, amr: ['pwd'] });
    expect(claims.sub).toBe(member.accountId);
    expect(claims.exp).toBeGreaterThan(claims.iat);
  });

  test('oidcc-ensure-request-without-nonce-succeeds-for-code-flow', async () => {
    const member = await op.member('basic-no-nonce');
    const request = await authorizationRequest(op.rp);
    request.url.searchParams.delete('nonce');
    const callback = callbackOf(await authorize(new HttpAgent(), request, member));
    const tokens = await oidc.authorizationCodeGrant(op.rp.config, callback, { pkceCodeVerifier: request.verifier, expectedState: request.state, idTokenExpected: true });
    expect(tokens.claims()!.nonce).toBeUndefined();
  });

  test('PKCE is required of every client, and only S256: a request without it, or with plain, gets no code', async () => {
    for (const change of [(u: URL) => { u.searchParams.delete('code_challenge'); u.searchParams.delete('code_challenge_method'); }, (u: URL) => u.searchParams.set('code_challenge_method', 'plain')]) {
      const request = await authorizationRequest(op.rp);
      change(request.url);
      const callback = callbackOf(await navigate(new HttpAgent(), request.url.href));
      expect(callback.searchParams.get('error')).toBe('invalid_request');
      expect(callback.searchParams.get('code')).toBeNull();
    }
  });

  test('oidcc-codereuse: a replayed code is refused and the tokens issued from it die', async () => {
    const member = await op.member('basic-codereuse');
    const request = await authorizationRequest(op.rp, { scope: 'openid profile offline_access', prompt: 'consent' });
    const callback = callbackOf(await authorize(new HttpAgent(), request, member));
    const tokens = await exchange(op.rp, callback, request);
    expect((await userinfo(tokens.access_token, 'GET')).status).toBe(200);
    expect(tokens.refresh_token).toBeTruthy();

    const code = callback.searchParams.get('code')!;
    const replay = await tokenRequest(op.issuer, op.rp, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: request.verifier });
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');
    expect((await userinfo(tokens.access_token, 'GET')).status).toBe(401);
    const refresh = await tokenRequest(op.issuer, op.rp, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! });
    expect(refresh.body.error).toBe('invalid_grant');
  });

  test('deliberate: after a replayed code, the portal\'s JWT access token (medical) lives out its 10 minutes; its refresh token dies', async () => {
    // A JWT access token is checked by the portal against the JWKS, never looked up, so it cannot be
    // recalled; its lifetime (10 minutes) bounds the replay. Everything the IdP stores is revoked.
    const member = await op.member('basic-codereuse-medical');
    const rp = await op.addRp({ scope: 'openid profile offline_access medical', kenpo_resources: [PORTAL_RESOURCE] } as never);
    const request = await authorizationRequest(rp, { scope: 'openid offline_access medical', prompt: 'consent', resource: PORTAL_RESOURCE });
    const callback = callbackOf(await authorize(new HttpAgent(), request, member));
    const tokens = await exchange(rp, callback, request);
    const params = { grant_type: 'authorization_code', code: callback.searchParams.get('code')!, redirect_uri: REDIRECT_URI, code_verifier: request.verifier };
    expect((await tokenRequest(op.issuer, rp, params)).body.error).toBe('invalid_grant');

    const jwks = createRemoteJWKSet(new URL(`${op.issuer}/jwks`));
    const { payload } = await jwtVerify(tokens.access_token, jwks, { issuer: op.issuer, audience: PORTAL_RESOURCE });
    expect(payload.exp! - payload.iat!).toBe(600);
    expect((await tokenRequest(op.issuer, rp, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! })).body.error).toBe('invalid_grant');
  });

  test('a code is bound to its client, its redirect URI and its PKCE verifier', async () => {
    const member = await op.member('basic-code-binding');
    const other = await op.addRp();
    const request = await authorizationRequest(op.rp);
    const code = callbackOf(await authorize(new HttpAgent(), request, member)).searchParams.get('code')!;
    const params = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: request.verifier };
    expect((await tokenRequest(op.issuer, other, params)).body.error).toBe('invalid_grant');
    expect((await tokenRequest(op.issuer, op.rp, { ...params, redirect_uri: `${REDIRECT_URI}/` })).body.error).toBe('invalid_grant');
    expect((await tokenRequest(op.issuer, op.rp, { ...params, code_verifier: 'x'.repeat(43) })).body.error).toBe('invalid_grant');
  });

  test('oidcc-response-type-missing and unsupported response types (implicit, hybrid) are refused without a token', async () => {
    for (const responseType of [undefined, 'token', 'id_token', 'id_token token', 'code id_token', 'code token', 'none']) {
      const request = await authorizationRequest(op.rp);
      if (responseType) request.url.searchParams.set('response_type', responseType);
      else request.url.searchParams.delete('response_type');
      const outcome = await navigate(new HttpAgent(), request.url.href);
      const callback = callbackOf(outcome);
      // Errors of a request whose response type would use the fragment come in the fragment.
      const params = new URLSearchParams(callback.hash.slice(1) || callback.search);
      expect([responseType, params.get('error')]).toEqual([responseType, responseType ? 'unsupported_response_type' : 'invalid_request']);
      expect(params.get('state')).toBe(request.state);
      for (const leaked of ['code', 'access_token', 'id_token']) expect(params.get(leaked)).toBeNull();
    }
  });

  test('oidcc-response-mode-form-post: the code, state and iss are posted to the redirect URI by an auto-submitting form', async () => {
    const member = await op.member('basic-form-post');
    const request = await authorizationRequest(op.rp, { response_mode: 'form_post' });
    const outcome = await authorize(new HttpAgent(), request, member);
    expect(outcome.page?.status).toBe(200);
    const [form] = formsOf(outcome.page!.html);
    expect(form.action).toBe(REDIRECT_URI);
    expect(outcome.page!.html).toMatch(/method="post"/i);
    const fields = Object.fromEntries([...outcome.page!.html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    expect(fields).toMatchObject({ state: request.state, iss: op.issuer });
    // The relying party receives that POST and exchanges the code as usual.
    const posted = new Request(REDIRECT_URI, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields) });
    const tokens = await exchange(op.rp, posted, request);
    expect(tokens.claims()!.sub).toBe(member.accountId);
  });
});

describe('redirect URIs', () => {
  // oidcc-ensure-registered-redirect-uri: the OP shows an error and never redirects to an unregistered URI.
  const variants: Array<[string, string]> = [
    ['trailing slash', `${REDIRECT_URI}/`],
    ['another port', REDIRECT_URI.replace(':9/', ':10/')],
    ['another scheme', REDIRECT_URI.replace('http:', 'https:')],
    ['path in another case', REDIRECT_URI.replace('callback', 'Callback')],
    // OIDC Core 3.1.2.1: simple string comparison, so even the case of the scheme counts.
    ['scheme in another case', REDIRECT_URI.replace('http:', 'HTTP:')],
    ['another name of the same host', REDIRECT_URI.replace('127.0.0.1', 'localhost')],
    ['a query added', `${REDIRECT_URI}?x=1`],
    ['a foreign site', 'https://attacker.example/callback'],
  ];
  test.each(variants)('oidcc-ensure-registered-redirect-uri: %s is refused on an error page, not redirected to', async (_name, redirectUri) => {
    const request = await authorizationRequest(op.rp, { redirect_uri: redirectUri });
    const response = await fetch(request.url, { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toContain('ログイン要求が正しくありません');
  });

  test('oidcc-ensure-redirect-uri-in-authorization-request: without redirect_uri the OP shows an error, even for a client with one URI', async () => {
    const request = await authorizationRequest(op.rp);
    request.url.searchParams.delete('redirect_uri');
    const response = await fetch(request.url, { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });
});

describe('prompt, max_age and hints', () => {
  test('oidcc-prompt-none-not-logged-in: login_required to the redirect URI, with state and iss', async () => {
    const request = await authorizationRequest(op.rp, { prompt: 'none' });
    const callback = callbackOf(await navigate(new HttpAgent(), request.url.href));
    expect(callback.searchParams.get('error')).toBe('login_required');
    expect(callback.searchParams.get('state')).toBe(request.state);
    expect(callback.searchParams.get('iss')).toBe(op.issuer);
    expect(callback.searchParams.get('code')).toBeNull();
  });

  test('oidcc-prompt-none-logged-in: a code without a page, for the same subject', async () => {
    const member = await op.member('basic-prompt-none');
    const first = await signIn(op.rp, member);
    const request = await authorizationRequest(op.rp, { prompt: 'none' });
    const callback = callbackOf(await navigate(first.agent, request.url.href));
    const claims = (await exchange(op.rp, callback, request)).claims()!;
    expect(claims.sub).toBe(first.claims.sub);
  });

  test('oidcc-prompt-login: a signed-in member is asked for the password again; auth_time moves on', async () => {
    // auth_time is optional without max_age (OIDC Core 2); this relying party registered require_auth_time.
    const rp = await op.addRp({ require_auth_time: true });
    const member = await op.member('basic-prompt-login');
    const first = await signIn(rp, member);
    expect(typeof first.claims.auth_time).toBe('number');
    await sleep(1100);
    const request = await authorizationRequest(rp, { prompt: 'login' });
    const outcome = await navigate(first.agent, request.url.href);
    expect(isLoginPage(outcome)).toBe(true);
    const callback = callbackOf(await submitPassword(first.agent, outcome.page!, member.userId, member.password));
    const claims = (await exchange(rp, callback, request)).claims()!;
    expect(claims.sub).toBe(first.claims.sub);
    expect(claims.auth_time).toBeGreaterThan(first.claims.auth_time!);
  });

  test('oidcc-max-age-1: a login older than max_age asks for the password again; auth_time is in the ID token', async () => {
    const member = await op.member('basic-max-age-1');
    const first = await signIn(op.rp, member);
    await sleep(2100);
    const asked = Math.floor(Date.now() / 1000);
    const request = await authorizationRequest(op.rp, { max_age: '1' });
    const outcome = await navigate(first.agent, request.url.href);
    expect(isLoginPage(outcome)).toBe(true);
    const callback = callbackOf(await submitPassword(first.agent, outcome.page!, member.userId, member.password));
    const claims = (await exchange(op.rp, callback, request)).claims()!;
    expect(claims.auth_time).toBeGreaterThanOrEqual(asked);
  });

  test('oidcc-max-age-10000: a recent login is reused without a page; auth_time is in the ID token and is that login\'s', async () => {
    const member = await op.member('basic-max-age-10000');
    const loggedIn = Math.floor(Date.now() / 1000);
    const first = await signIn(op.rp, member);
    const request = await authorizationRequest(op.rp, { max_age: '10000' });
    const callback = callbackOf(await navigate(first.agent, request.url.href));
    const authTime = (await exchange(op.rp, callback, request)).claims()!.auth_time!;
    expect(authTime).toBeGreaterThanOrEqual(loggedIn);
    expect(authTime).toBeLessThanOrEqual(first.claims.iat);
  });

  test('oidcc-id-token-hint: prompt=none with the session\'s own ID token gives a code; another member\'s gives login_required', async () => {
    const member = await op.member('basic-hint');
    const other = await op.member('basic-hint-other');
    const first = await signIn(op.rp, member);
    const otherIdToken = (await signIn(op.rp, other)).tokens.id_token!;

    const own = await authorizationRequest(op.rp, { prompt: 'none', id_token_hint: first.tokens.id_token! });
    const callback = callbackOf(await navigate(first.agent, own.url.href));
    expect((await exchange(op.rp, callback, own)).claims()!.sub).toBe(first.claims.sub);

    const foreign = await authorizationRequest(op.rp, { prompt: 'none', id_token_hint: otherIdToken });
    const refused = callbackOf(await navigate(first.agent, foreign.url.href));
    expect(refused.searchParams.get('error')).toBe('login_required');
    expect(refused.searchParams.get('code')).toBeNull();
  });

  test('oidcc-login-hint: the login page is filled in with the hinted user ID', async () => {
    const request = await authorizationRequest(op.rp, { login_hint: 'hinted-member' });
    const outcome = await navigate(new HttpAgent(), request.url.href);
    expect(isLoginPage(outcome)).toBe(true);
    expect(outcome.page!.html).toMatch(/name="loginId"[^>]*value="hinted-member"|value="hinted-member"[^>]*name="loginId"/);
  });
});

describe('userinfo, refresh and client authentication', () => {
  test.each(['GET', 'POST header', 'POST body'] as const)('oidcc-userinfo-%s: the claims of the granted scopes, for the ID token\'s subject', async (how) => {
    const member = await op.member(`basic-userinfo-${how.replace(' ', '-').toLowerCase()}`);
    const { tokens, claims } = await signIn(op.rp, member);
    if (how === 'GET') {
      // openid-client's own call also checks the subject against the ID token's.
      expect(await oidc.fetchUserInfo(op.rp.config, tokens.access_token, claims.sub)).toMatchObject({ sub: claims.sub });
    }
    const response = await userinfo(tokens.access_token, how);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ sub: claims.sub, email: `${member.userId}@example.jp`, email_verified: true, preferred_username: member.userId });
    expect(response.body.name).toBeTruthy();
  });

  test('oidcc-userinfo: without a token, or with a token that is not one, 401 with WWW-Authenticate', async () => {
    for (const headers of [{}, { authorization: 'Bearer not-a-token' }] as Array<Record<string, string>>) {
      const response = await fetch(`${op.issuer}/me`, { headers });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
  });

  test('oidcc-refresh-token: a refresh gives new tokens for the same subject; another client cannot use it', async () => {
    const member = await op.member('basic-refresh');
    const { tokens, claims } = await signIn(op.rp, member, { scope: 'openid profile offline_access', prompt: 'consent' });
    const refreshed = await oidc.refreshTokenGrant(op.rp.config, tokens.refresh_token!);
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect(refreshed.claims()?.sub ?? claims.sub).toBe(claims.sub);
    expect((await userinfo(refreshed.access_token, 'GET')).body.sub).toBe(claims.sub);

    const other = await op.addRp();
    const stolen = await tokenRequest(op.issuer, other, { grant_type: 'refresh_token', refresh_token: refreshed.refresh_token ?? tokens.refresh_token! });
    expect(stolen.body.error).toBe('invalid_grant');
  });

  test('oidcc-server with client_secret_post: a client registered for it authenticates with the secret in the body', async () => {
    const member = await op.member('basic-secret-post');
    const rp = await op.addRp({ token_endpoint_auth_method: 'client_secret_post' });
    const { claims } = await signIn(rp, member);
    expect(claims.aud).toBe(rp.clientId);
  });

  test('a client authenticating in two ways at once is refused', async () => {
    const response = await fetch(`${op.issuer}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${op.rp.clientId}:${op.rp.clientSecret}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'x', client_id: op.rp.clientId, client_secret: op.rp.clientSecret }),
    });
    expect([response.status, (await response.json() as { error: string }).error]).toEqual([400, 'invalid_request']);
  });

  test('a wrong client secret is invalid_client, for either method', async () => {
    const wrong = { ...op.rp, clientSecret: 'wrong' };
    expect((await tokenRequest(op.issuer, wrong, { grant_type: 'refresh_token', refresh_token: 'x' })).body.error).toBe('invalid_client');
    const rp = await op.addRp({ token_endpoint_auth_method: 'client_secret_post' });
    const response = await fetch(`${op.issuer}/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'x', client_id: rp.clientId, client_secret: 'wrong' }) });
    expect((await response.json() as { error: string }).error).toBe('invalid_client');
  });
});

describe('deliberate: a union that requires a second factor', () => {
  // Not in the OIDF plans: the product's policy (SPEC §7). A password alone never completes a login
  // there, whatever the relying party asks.
  test('a password-only session gets no code under prompt=none, and max_age leads to the password and then the second factor, not to a code', async () => {
    const { issuer, client } = await op.stack.addUnion(
      { slug: 'mfa-union', name: '二要素健康保険組合', insurerNumber: '06139902' }, { portalUrl: `${RP_ORIGIN}/` },
      webAppClient({ name: 'conformance RP', redirectUris: [REDIRECT_URI], postLogoutRedirectUris: [] }),
    );
    const rp = await discoverRp(issuer, client);
    const userId = 'basic-mfa';
    const password = `${userId}-pass-1`;
    const unions = { 'mfa-union': { slug: 'mfa-union', insurerNumber: '06139902' } };
    const { accountId } = await createMemberWithLogin({ database: op.stack.database, unions } as never, 'mfa-union', { userId, password, mfa: 'totp' });
    const box = new SecretBox(loadIdpConfig(op.stack.idp.env).dataEncryptionKey);
    await addCredential(op.stack.database.db, { accountId, type: 'totp', label: 'スマホ', secret: box.seal(base32Encode(crypto.randomBytes(20))) });

    const agent = new HttpAgent();
    const afterPassword = await authorize(agent, await authorizationRequest(rp), { userId, password });
    expect(afterPassword.page?.html).toContain('2段階認証');

    const silent = callbackOf(await navigate(agent, (await authorizationRequest(rp, { prompt: 'none' })).url.href));
    expect(silent.searchParams.get('code')).toBeNull();
    expect(['login_required', 'interaction_required']).toContain(silent.searchParams.get('error'));

    const reauth = await navigate(agent, (await authorizationRequest(rp, { max_age: '0' })).url.href);
    expect(isLoginPage(reauth)).toBe(true);
    const afterReauth = await submitPassword(agent, reauth.page!, userId, password);
    expect(afterReauth.callback).toBeUndefined();
    expect(afterReauth.page?.html).toContain('2段階認証');
  });
});
