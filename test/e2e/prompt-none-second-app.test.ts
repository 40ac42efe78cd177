import crypto from 'node:crypto';
import { addCredential } from '../../idp/mfa/credentials.js';
import { registerClient, webAppClient, type RegisteredClient } from '../../idp/oidc/client-registry.js';
import { publishTerms } from '../../idp/terms/terms-repository.js';
import { HttpAgent, passwordLogin, type Page } from '../helpers/http-agent.js';
import { createMemberWithLogin, startStack, type TestStack } from '../helpers/stack.js';
import { base32Encode, totpFor } from '../helpers/totp.js';

/**
 * Issue 12 item 4: a member signed in to the portal (app 1) opens another of the union's apps,
 * which asks silently (prompt=none) and gets a code — unless the session still owes a second factor
 * or a required action, when it answers an error and never a code. Plain HTTP, the union's
 * default policy (second factor required).
 */
const APP2_REDIRECT = 'http://127.0.0.1:9/app2/callback';
let stack: TestStack;
let app2: RegisteredClient;
beforeAll(async () => {
  stack = await startStack();
  app2 = await registerClient(stack.idp.registry, 'alpha', webAppClient({ name: '保健事業アプリ', redirectUris: [APP2_REDIRECT], postLogoutRedirectUris: [] }));
});
afterAll(async () => { await stack.close(); });

const db = () => stack.database.db;
const issuer = () => stack.unions.alpha.issuer;
const portalHome = () => `${stack.portalUrl}/u/alpha/`;

/** A member with an authenticator app, and a login to the portal that stops after the password. */
async function memberAfterPassword(userId: string): Promise<{ agent: HttpAgent; challenge: Page; secret: string; credentialId: string }> {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId, password: `${userId}-pass-1`, mfa: 'totp' });
  const secret = base32Encode(crypto.randomBytes(20));
  await addCredential(db(), { accountId, type: 'totp', label: 'スマホ', secret: stack.idp.registry.deps.box.seal(secret) });
  const credentialId = (await db()('credentials').where({ account_id: accountId }).first()).id as string;
  const agent = new HttpAgent();
  const challenge = await passwordLogin(agent, portalHome(), userId, `${userId}-pass-1`);
  return { agent, challenge, secret, credentialId };
}

async function signedInToPortal(userId: string): Promise<HttpAgent> {
  const { agent, challenge, secret, credentialId } = await memberAfterPassword(userId);
  const home = await agent.submit(challenge, /\/mfa\/code\/totp$/, { code: totpFor(secret, 0), device: credentialId });
  expect(home.url.startsWith(stack.portalUrl)).toBe(true);
  return agent;
}

/** App 2's silent authorization request; returns the parameters its redirect URI receives. */
async function silentAuthorize(agent: HttpAgent): Promise<{ params: URLSearchParams; verifier: string }> {
  const verifier = crypto.randomBytes(32).toString('base64url');
  const url = new URL(`${issuer()}/auth`);
  url.search = new URLSearchParams({
    client_id: app2.clientId, redirect_uri: APP2_REDIRECT, response_type: 'code', scope: 'openid profile email', prompt: 'none',
    state: 'st2', nonce: 'nn2', code_challenge: crypto.createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
  }).toString();
  let page = await agent.request(url.href);
  for (let hops = 0; page.status >= 300 && page.status < 400; hops += 1) {
    const location = new URL(page.headers.get('location')!, page.url);
    if (location.href.startsWith(APP2_REDIRECT) || hops > 5) return { params: location.searchParams, verifier };
    page = await agent.request(location.href);
  }
  throw new Error(`prompt=none answered with a page (${page.status}) instead of a redirect: ${page.html.slice(0, 500)}`);
}

test('signed in to the portal: app 2 gets a code silently, and its tokens work', async () => {
  const agent = await signedInToPortal('silent-ok');
  const { params, verifier } = await silentAuthorize(agent);
  expect(params.get('error')).toBeNull();
  expect(params.get('state')).toBe('st2');
  const code = params.get('code')!;
  expect(code).toBeTruthy();

  const token = await fetch(`${issuer()}/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${app2.clientId}:${app2.clientSecret}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: APP2_REDIRECT, code_verifier: verifier }),
  });
  expect(token.status).toBe(200);
  const tokens = await token.json() as { access_token: string; id_token: string };
  expect(tokens.id_token).toBeTruthy();
  const userinfo = await fetch(`${issuer()}/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
  expect(userinfo.status).toBe(200);
  expect(await userinfo.json()).toMatchObject({ email: 'silent-ok@example.jp' });
});

test('no IdP session: login_required', async () => {
  const { params } = await silentAuthorize(new HttpAgent());
  expect(params.get('code')).toBeNull();
  expect(params.get('error')).toBe('login_required');
});

test('a session that has not proved the second factor yet: an error, never a code', async () => {
  const { agent } = await memberAfterPassword('silent-mfa');
  const { params } = await silentAuthorize(agent);
  expect(params.get('code')).toBeNull();
  expect(['login_required', 'interaction_required']).toContain(params.get('error'));
});

test('new terms published since the sign-in: an error, never a code', async () => {
  const agent = await signedInToPortal('silent-terms');
  await publishTerms(db(), 'alpha', { title: '利用規約（改定）', body: '改定しました。', publishedBy: 'test' });
  const { params } = await silentAuthorize(agent);
  expect(params.get('code')).toBeNull();
  expect(['login_required', 'interaction_required']).toContain(params.get('error'));
});
