import crypto from 'node:crypto';
import { registerClient, webAppClient, type RegisteredClient } from '../../idp/oidc/client-registry.js';
import { formsOf, HttpAgent, type Page } from '../helpers/http-agent.js';
import { adminToken, createMemberWithLogin, startStack, type TestStack } from '../helpers/stack.js';

/**
 * The review's attack: someone with a copy of the database (a dump, a backup, a read-only replica)
 * takes the id of an oidc_models row and presents it as the token it was stored for. Every row id of
 * a bearer-like model is a keyed hash now, so each is refused where the real value works.
 */
const REDIRECT = 'http://127.0.0.1:9/cb';
let stack: TestStack;
let app: RegisteredClient;
let accountId: string;

beforeAll(async () => {
  stack = await startStack({ policy: { mfa: { required: false } } });
  app = await registerClient(stack.idp.registry, 'alpha', webAppClient({ name: 'dump test app', redirectUris: [REDIRECT], postLogoutRedirectUris: [] }));
  ({ accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'dump-user', password: 'dump-pass-1' }));
});
afterAll(() => stack?.close());

const issuer = () => stack.unions.alpha.issuer;
const basic = (c: RegisteredClient) => `Basic ${Buffer.from(`${c.clientId}:${c.clientSecret}`).toString('base64')}`;
/** The newest row of a model: what a dump taken just now holds. */
const rowId = async (model: string, where: Record<string, string> = {}): Promise<string> =>
  (await stack.database.db('oidc_models').where({ union_slug: 'alpha', model, ...where }).orderBy('expires_at', 'desc').first('id')).id;

async function post(path: string, client: RegisteredClient, params: Record<string, string>) {
  const response = await fetch(`${issuer()}${path}`, { method: 'POST', headers: { authorization: basic(client) }, body: new URLSearchParams(params) });
  return { status: response.status, body: await response.json() as Record<string, any> };
}
const introspect = async (client: RegisteredClient, token: string) => (await post('/token/introspection', client, { token })).body.active;
const bearer = async (path: string, token: string) => (await fetch(`${issuer()}${path}`, { headers: { authorization: `Bearer ${token}` } })).status;

function authorizeUrl(params: Record<string, string>) {
  const verifier = crypto.randomBytes(32).toString('base64url');
  const url = new URL(`${issuer()}/auth`);
  url.search = new URLSearchParams({
    client_id: app.clientId, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', state: 'st', nonce: 'nn',
    code_challenge: crypto.createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256', ...params,
  }).toString();
  return { url: url.href, verifier };
}

/** Follows the IdP's redirects by hand until one leaves for the client's redirect URI. */
async function untilRedirect(agent: HttpAgent, first: Page): Promise<URL> {
  let page = first;
  for (let hop = 0; hop < 20; hop += 1) {
    const location = page.headers.get('location');
    if (!location) throw new Error(`no redirect from ${page.url} (${page.status}):\n${page.html.slice(0, 1000)}`);
    const next = new URL(location, page.url);
    if (next.href.startsWith(REDIRECT)) return next;
    page = await agent.request(next.href);
  }
  throw new Error('too many redirects');
}

/** Signs a cookie value the way Koa does (keygrip, HMAC-SHA1): as the IdP itself would have set it. */
function signedCookie(agent: HttpAgent, name: string, value: string): void {
  const [key] = stack.idp.app.keys as string[];
  const sig = crypto.createHmac('sha1', key).update(`${name}=${value}`).digest('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  agent.cookies.set(name, value);
  agent.cookies.set(`${name}.sig`, sig);
}

test('an admin access token\'s row id is refused by the admin API and introspection; the token works', async () => {
  const { admin } = stack.unions.alpha;
  const token = await adminToken(stack.unions.alpha);
  const id = await rowId('ClientCredentials');
  expect(id).not.toBe(token);

  expect(await bearer('/admin/v1/accounts?user_id=dump-user', id)).toBe(401);
  expect(await introspect(admin, id)).toBe(false);
  expect(await bearer('/admin/v1/accounts?user_id=dump-user', token)).toBe(200);
  expect(await introspect(admin, token)).toBe(true);
});

test('code, access token, refresh token and session row ids are refused at /token, /me, introspection and as the session cookie', async () => {
  const agent = new HttpAgent();
  const { url, verifier } = authorizeUrl({ scope: 'openid offline_access', prompt: 'consent' });
  const login = await agent.follow(url);
  const form = formsOf(login.html).find((f) => /\/login$/.test(f.action))!;
  const posted = await agent.request(new URL(form.action, login.url).href, { form: { ...form.hidden, loginId: 'dump-user', password: 'dump-pass-1' } });
  const code = (await untilRedirect(agent, posted)).searchParams.get('code')!;
  expect(code).toBeTruthy();

  // Authorization code: its row id exchanges for nothing; the code itself still does.
  const codeRow = await rowId('AuthorizationCode', { account_id: accountId });
  expect(codeRow).not.toBe(code);
  const exchange = (c: string) => post('/token', app, { grant_type: 'authorization_code', code: c, redirect_uri: REDIRECT, code_verifier: verifier });
  expect((await exchange(codeRow)).body.error).toBe('invalid_grant');
  const tokens = await exchange(code);
  expect(tokens.status).toBe(200);
  const { access_token: accessToken, refresh_token: refreshToken } = tokens.body as { access_token: string; refresh_token: string };

  // Opaque access token: userinfo and introspection.
  const accessRow = await rowId('AccessToken', { account_id: accountId });
  expect(accessRow).not.toBe(accessToken);
  expect(await bearer('/me', accessRow)).toBe(401);
  expect(await introspect(app, accessRow)).toBe(false);
  expect(await bearer('/me', accessToken)).toBe(200);
  expect(await introspect(app, accessToken)).toBe(true);

  // Refresh token: the refresh_token grant and introspection.
  const refreshRow = await rowId('RefreshToken', { account_id: accountId });
  expect(refreshRow).not.toBe(refreshToken);
  expect(await introspect(app, refreshRow)).toBe(false);
  expect((await post('/token', app, { grant_type: 'refresh_token', refresh_token: refreshRow })).body.error).toBe('invalid_grant');
  expect(await introspect(app, refreshToken)).toBe(true);
  expect((await post('/token', app, { grant_type: 'refresh_token', refresh_token: refreshToken })).status).toBe(200);

  // Session: even correctly signed, a cookie holding the row id is no session; the real id is.
  const sessionRow = await rowId('Session', { account_id: accountId });
  const sessionCookie = agent.cookies.get('_session')!;
  expect(sessionCookie).toBeTruthy();
  expect(sessionRow).not.toBe(sessionCookie);
  const silently = async (value: string) => {
    const browser = new HttpAgent();
    signedCookie(browser, '_session', value);
    return (await untilRedirect(browser, await browser.request(authorizeUrl({ prompt: 'none' }).url))).searchParams;
  };
  expect((await silently(sessionRow)).get('error')).toBe('login_required');
  expect((await silently(sessionCookie)).get('code')).toBeTruthy();

  // Nothing in the rows of this login repeats a token value.
  const dump = JSON.stringify(await stack.database.db('oidc_models').where({ union_slug: 'alpha', account_id: accountId }));
  for (const secret of [code, accessToken, refreshToken, sessionCookie]) expect(dump).not.toContain(secret);
});
