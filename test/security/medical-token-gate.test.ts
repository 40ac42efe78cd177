import crypto from 'node:crypto';
import { decodeJwt, importJWK, SignJWT, type JWTPayload } from 'jose';
import { listAudit } from '../../audit/audit-log.js';
import { loadSigningKeys } from '../../idp/oidc/signing-keys.js';
import { createMedicalHousehold, editMemberSession, MEDICAL_PASSWORD, memberSession, type MedicalHousehold } from '../helpers/medical.js';
import { HttpAgent, passwordLogin } from '../helpers/http-agent.js';
import { startStack, type TestStack } from '../helpers/stack.js';

/**
 * The portal's gate in front of medical data, over plain HTTP as an attacker holding a portal cookie
 * would meet it: every request verifies the session's access token; an expired one is refreshed once;
 * a forged, foreign or refused one ends the member's portal login (audited); a session below the
 * union's level or older than its limit is sent back through the IdP.
 */
let stack: TestStack;
let household: MedicalHousehold;
let other: MedicalHousehold;
let issuerKey: { key: CryptoKey | Uint8Array; kid: string };

beforeAll(async () => {
  stack = await startStack({
    policy: { mfa: { required: false } },
    portalUnion: { requiredAcr: 'urn:kenpo-id:loa:password', medicalMaxAuthAgeSeconds: 3600 },
  });
  household = await createMedicalHousehold(stack, 'alpha', { kigo: '700', bango: '90001' }, [
    { edaban: '00', name: '丁野 五郎', relation: '本人', birthYear: 1960, userId: 'gate-a0' },
  ]);
  other = await createMedicalHousehold(stack, 'alpha', { kigo: '700', bango: '90002' }, [
    { edaban: '00', name: '戊井 六子', relation: '本人', birthYear: 1962, userId: 'gate-b0' },
  ]);
  const { keys: [jwk] } = await loadSigningKeys(stack.database.db, 'alpha', stack.idp.registry.deps.box);
  issuerKey = { key: await importJWK(jwk as never, 'RS256'), kid: jwk.kid as string };
});
afterAll(async () => { await stack.close(); });

const portalDb = () => stack.portalDatabase.db;
const MEDICAL = '/u/alpha/medical/';
const sub = () => household.accounts['00'];
const toLogin = (query = '') => `/u/alpha/login?returnTo=${encodeURIComponent(MEDICAL)}${query}`;

async function loggedIn(userId = 'gate-a0'): Promise<HttpAgent> {
  const agent = new HttpAgent();
  // Through the medical pages, so the portal asks for the login's age (max_age) as they need it.
  const page = await passwordLogin(agent, `${stack.portalUrl}${MEDICAL}`, userId, MEDICAL_PASSWORD);
  expect(page.url).toBe(`${stack.portalUrl}${MEDICAL}`);
  return agent;
}

const medical = (agent: HttpAgent) => agent.request(`${stack.portalUrl}${MEDICAL}`);
const sign = (payload: JWTPayload) => new SignJWT(payload).setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: issuerKey.kid }).sign(issuerKey.key);
const past = () => Math.floor(Date.now() / 1000) - 60;
const lastRefusal = async () => (await listAudit(portalDb(), 'alpha', { limit: 1 }))[0];
/** How many portal browser sessions hold this member's login. */
const portalLogins = async (member: string) => (await portalDb()('portal_sessions').select('data'))
  .filter((r: { data: string }) => JSON.parse(r.data).members?.alpha?.sub === member).length;

test('without a portal login: to the login, and back here after it', async () => {
  const page = await new HttpAgent().request(`${stack.portalUrl}${MEDICAL}`);
  expect(page.status).toBe(303);
  expect(page.headers.get('location')).toBe(toLogin());
});

test('a good token opens the member\'s own household', async () => {
  const page = await medical(await loggedIn());
  expect(page.status).toBe(200);
  expect(page.html).toContain('丁野 五郎');
  expect(page.html).not.toContain('戊井');
});

test.each<[string, () => Promise<string>, string | RegExp]>([
  ['of another member of the union (a valid signature)', async () => (await memberSession(portalDb(), 'alpha', other.accounts['00']))!.accessToken, 'token of another member'],
  ['forged with another key under the issuer\'s kid', async () => {
    const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const claims = decodeJwt((await memberSession(portalDb(), 'alpha', sub()))!.accessToken);
    return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: issuerKey.kid }).sign(privateKey as never);
  }, /^ERR_JWS_SIGNATURE_VERIFICATION_FAILED/],
])('a token %s ends the member\'s portal login, audited', async (_case, token, reason) => {
  await loggedIn('gate-b0');
  const agent = await loggedIn();
  const swapped = await token();
  await editMemberSession(portalDb(), 'alpha', sub(), (m) => { m.accessToken = swapped; });
  const logins = await portalLogins(sub());
  const page = await medical(agent);
  expect(page.status).toBe(303);
  expect(page.headers.get('location')).toBe(toLogin());
  expect(page.html).not.toContain('丁野');
  expect(await portalLogins(sub())).toBe(logins - 1);
  expect(await lastRefusal()).toMatchObject({ actor: `member:${sub()}`, action: 'medical.token.rejected', outcome: 'denied', detail: { reason: expect.stringMatching(reason) } });
});

test('an expired token is refreshed once and the page opens with the new one', async () => {
  const agent = await loggedIn();
  const before = (await memberSession(portalDb(), 'alpha', sub()))!;
  const expired = await sign({ ...decodeJwt(before.accessToken), exp: past(), iat: past() - 600 });
  await editMemberSession(portalDb(), 'alpha', sub(), (m) => { m.accessToken = expired; m.accessTokenExpiresAt = 0; });
  const page = await medical(agent);
  expect(page.status).toBe(200);
  expect(page.html).toContain('丁野 五郎');
  const renewed = (await memberSession(portalDb(), 'alpha', sub()))!;
  expect(renewed.accessToken).not.toBe(expired);
  expect(decodeJwt(renewed.accessToken)).toMatchObject({ sub: sub(), bango: '90001' });
  expect(renewed.refreshToken).toBeTruthy();
  expect(renewed.accessTokenExpiresAt).toBeGreaterThan(Date.now() + 60_000);
  expect(renewed.idToken).toBeTruthy();
});

test('two pages opened at once with an expired token share one refresh (a rotated refresh token is used once): both open', async () => {
  const agent = await loggedIn();
  const expired = await sign({ ...decodeJwt((await memberSession(portalDb(), 'alpha', sub()))!.accessToken), exp: past(), iat: past() - 600 });
  await editMemberSession(portalDb(), 'alpha', sub(), (m) => { m.accessToken = expired; m.accessTokenExpiresAt = 0; });
  const { provider } = (await stack.idp.registry.get('alpha'))!;
  let refreshes = 0;
  const count = (ctx: { oidc: { params?: { grant_type?: unknown } } }) => { if (ctx.oidc.params?.grant_type === 'refresh_token') refreshes += 1; };
  provider.on('grant.success', count);
  try {
    const pages = await Promise.all([medical(agent), medical(agent)]);
    expect(pages.map((p) => p.status)).toEqual([200, 200]);
  } finally {
    provider.off('grant.success', count);
  }
  expect(refreshes).toBe(1);
});

test.each<[string, (m: { refreshToken?: string }) => void, RegExp]>([
  ['no refresh token', (m) => { delete m.refreshToken; }, /^expired and no refresh token$/],
  ['a refresh the IdP refuses', (m) => { m.refreshToken = 'not-a-refresh-token'; }, /^refresh refused: /],
])('an expired token with %s ends the portal login', async (_case, change, reason) => {
  const agent = await loggedIn();
  const expired = await sign({ ...decodeJwt((await memberSession(portalDb(), 'alpha', sub()))!.accessToken), exp: past(), iat: past() - 600 });
  await editMemberSession(portalDb(), 'alpha', sub(), (m) => { m.accessToken = expired; change(m); });
  const logins = await portalLogins(sub());
  const page = await medical(agent);
  expect(page.status).toBe(303);
  expect(page.headers.get('location')).toBe(toLogin());
  expect(await portalLogins(sub())).toBe(logins - 1);
  expect((await lastRefusal()).detail).toEqual({ reason: expect.stringMatching(reason) });
});

test('a session below the union\'s level is sent to log in as a step-up; one older than its limit, for a fresh login', async () => {
  const agent = await loggedIn();
  await editMemberSession(portalDb(), 'alpha', sub(), (m) => { delete m.acr; });
  let page = await medical(agent);
  expect([page.status, page.headers.get('location')]).toEqual([303, toLogin('&step_up=1')]);

  const fresh = await loggedIn();
  await editMemberSession(portalDb(), 'alpha', sub(), (m) => { m.authTime = Math.floor(Date.now() / 1000) - 3601; });
  page = await medical(fresh);
  expect([page.status, page.headers.get('location')]).toEqual([303, toLogin('&fresh=1')]);
  // Neither is a refusal of the token: the member's portal logins stay.
  expect(await portalLogins(sub())).toBeGreaterThanOrEqual(2);
});

test('while the issuer\'s keys cannot be fetched the medical pages say so (503) and the member stays logged in', async () => {
  // Beta's keys: never fetched by the portal yet (alpha's are cached), and now the issuer's proxy fails them.
  await createMedicalHousehold(stack, 'beta', { kigo: '700', bango: '90003' }, [
    { edaban: '00', name: '己川 七郎', relation: '本人', birthYear: 1963, userId: 'gate-c0' },
  ]);
  const agent = new HttpAgent();
  stack.failIdpRequests(/\/jwks/);
  try {
    await passwordLogin(agent, `${stack.portalUrl}/u/beta/medical/`, 'gate-c0', MEDICAL_PASSWORD);
    const page = await agent.request(`${stack.portalUrl}/u/beta/medical/`);
    expect(page.status).toBe(503);
    expect(page.html).toContain('ただいま表示できません');
    expect(page.html).not.toContain('己川');
    expect(page.html).not.toMatch(/at .*\.(ts|js):\d+/); // no stack trace
  } finally {
    stack.failIdpRequests();
  }
  const page = await agent.request(`${stack.portalUrl}/u/beta/medical/`);
  expect(page.status).toBe(200);
  expect(page.html).toContain('己川 七郎');
});
