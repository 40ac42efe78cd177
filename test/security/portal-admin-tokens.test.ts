import { listAudit } from '../../audit/audit-log.js';
import { memberSession } from '../helpers/medical.js';
import { HttpAgent, passwordLogin } from '../helpers/http-agent.js';
import { adminToken, createMemberWithLogin, portalAdminToken, startStack, type TestStack } from '../helpers/stack.js';

/**
 * The portal admin API trusts only an access token its union's issuer made for it (resource
 * urn:kenpo-id:portal-admin, scope portal-admin), verified by the portal itself. Whatever else an
 * attacker holds — a member's medical token, the IdP admin API's token, another union's admin token,
 * a token they signed themselves — gets 401/403 and an audit entry, never data.
 */
let stack: TestStack;
beforeAll(async () => { stack = await startStack({ policy: { mfa: { required: false } } }); });
afterAll(async () => { await stack.close(); });

const api = (slug: string, path: string) => `${stack.portalUrl}/u/${slug}/admin/v1${path}`;
const call = (url: string, token?: string, init: RequestInit = {}) =>
  fetch(url, { ...init, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...init.headers } });

test('the union\'s portal-admin token reads the portal audit log; the answer is JSON and not cached', async () => {
  const token = await portalAdminToken(stack.unions.alpha);
  const response = await call(api('alpha', '/audit?limit=5'), token);
  expect(response.status).toBe(200);
  expect(response.headers.get('cache-control')).toBe('no-store');
  const { entries } = await response.json() as { entries: unknown[] };
  expect(Array.isArray(entries)).toBe(true);
  // The call itself is audited, as the admin client.
  const [last] = await listAudit(stack.portalDatabase.db, 'alpha', { limit: 1 });
  expect(last).toMatchObject({ actor: `admin:${stack.unions.alpha.admin.clientId}`, action: 'admin.audit.read', outcome: 'success' });
});

test('no token, a forged token, the IdP admin token, another union\'s token and a member\'s medical token are all refused', async () => {
  await createMemberWithLogin(stack, 'alpha', { userId: 'admin-probe', password: 'admin-probe-1' });
  const agent = new HttpAgent();
  await passwordLogin(agent, `${stack.portalUrl}/u/alpha/`, 'admin-probe', 'admin-probe-1');
  const sessions = await stack.portalDatabase.db('portal_members').where({ union_slug: 'alpha' });
  const medicalToken = (await memberSession(stack.portalDatabase.db, 'alpha', sessions[0].sub))!.accessToken;
  const alphaToken = await portalAdminToken(stack.unions.alpha);
  const [header, payload] = alphaToken.split('.');
  const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url')}.${payload}.`;
  const tampered = `${header}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), scope: 'portal-admin medical' })).toString('base64url')}.${alphaToken.split('.')[2]}`;

  const attempts: Array<[string, string | undefined, number, string]> = [
    ['no token', undefined, 401, 'unauthorized'],
    ['garbage', 'not-a-token', 401, 'invalid_token'],
    ['alg none', unsigned, 401, 'invalid_token'],
    ['payload edited after signing', tampered, 401, 'invalid_token'],
    ['the IdP admin API token (opaque)', await adminToken(stack.unions.alpha), 401, 'invalid_token'],
    ['beta\'s portal-admin token at alpha', await portalAdminToken(stack.unions.beta), 401, 'invalid_token'],
    ['a member\'s medical access token', medicalToken, 401, 'invalid_token'],
  ];
  for (const [what, token, status, code] of attempts) {
    const response = await call(api('alpha', '/audit'), token);
    expect([what, response.status]).toEqual([what, status]);
    expect([what, ((await response.json()) as { error: { code: string } }).error.code]).toEqual([what, code]);
  }
  // Unknown paths answer only after authentication: nothing to map without a token.
  expect((await call(api('alpha', '/no-such-thing'))).status).toBe(401);
  expect((await call(api('alpha', '/no-such-thing'), alphaToken)).status).toBe(404);

  const denied = (await listAudit(stack.portalDatabase.db, 'alpha', { limit: 50 })).filter((e) => e.outcome === 'denied');
  expect(denied.length).toBeGreaterThanOrEqual(attempts.length);
  expect(denied.every((e) => e.actor === 'anonymous')).toBe(true);
});

test('bad input gets a precise JSON error, in Japanese when asked', async () => {
  const token = await portalAdminToken(stack.unions.alpha);
  const response = await call(api('alpha', '/audit?limit=0&colour=red'), token, { headers: { 'accept-language': 'ja' } });
  expect(response.status).toBe(400);
  const { error } = await response.json() as { error: { code: string; message: string; details: Array<{ field: string; message: string }> } };
  expect(error.code).toBe('validation_failed');
  expect(error.message).toBe('入力に誤りがあります。details を確認してください。');
  expect(error.details).toEqual(expect.arrayContaining([{ field: 'limit', message: '1以上にしてください' }, { field: '(query)', message: '不明な項目です: colour' }]));
});

test('the OpenAPI document names the token to ask for', async () => {
  const doc = await (await fetch(`${stack.portalUrl}/u/alpha/admin/openapi.json`)).json() as { info: { description: string }; paths: Record<string, unknown> };
  expect(doc.info.description).toContain('resource=urn:kenpo-id:portal-admin');
  expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/audit', '/members']));
});

test('the members lookup finds a member who has logged in, by insurance card', async () => {
  await createMemberWithLogin(stack, 'alpha', { userId: 'card-lookup', password: 'card-lookup-1' }, { kigo: '777', bango: '4242' });
  await passwordLogin(new HttpAgent(), `${stack.portalUrl}/u/alpha/`, 'card-lookup', 'card-lookup-1');
  const token = await portalAdminToken(stack.unions.alpha);
  const { members } = await (await call(api('alpha', '/members?kigo=777&bango=4242'), token)).json() as { members: Array<Record<string, unknown>> };
  expect(members).toEqual([expect.objectContaining({ email: 'card-lookup@example.jp', edaban: '00', relation: '本人' })]);
});
