import { listSigningKeys, loadSigningKeys, rotateSigningKey, RotationPendingError } from '../../idp/oidc/signing-keys.js';
import { KEY_CHECK_MS } from '../../idp/oidc/provider-registry.js';
import { adminToken, startStack, type TestStack } from '../helpers/stack.js';

/**
 * A signing-key rotation's schedule as every IdP process derives it from the database and the clock
 * (on SQLite and PostgreSQL), and the admin API that starts one. Two processes and the portal under
 * traffic are test/scale-out/key-rotation.test.ts.
 */
let stack: TestStack;
beforeAll(async () => { stack = await startStack(); });
afterAll(() => stack?.close());

const db = () => stack.database.db;
const box = () => stack.idp.registry.deps.box;
const kidsOf = async (slug: string, now: number) => (await loadSigningKeys(db(), slug, box(), now)).keys.map((k) => k.kid);
const states = async (slug: string, now: number) => (await listSigningKeys(db(), slug, now)).map((k) => [k.kid, k.state]);

test('a rotated key is published first, signs from its time on, and the old key leaves the JWKS only at its retirement', async () => {
  const t0 = Date.now();
  const first = (await kidsOf('beta', t0))[0];
  expect(first).toBe('beta-1');
  const { next, previous } = await rotateSigningKey(db(), 'beta', box(), { publishSeconds: 100, retireAfterSeconds: 700 }, t0);
  expect(previous).toMatchObject({ kid: first, state: 'signing', retiresAt: t0 + 800_000 });
  expect(next).toMatchObject({ state: 'next', activatesAt: t0 + 100_000 });

  // Published at once, the old key still signing (listed first: oidc-provider signs with the first).
  expect(await kidsOf('beta', t0 + 1)).toEqual([first, next.kid]);
  expect(await states('beta', t0 + 1)).toEqual([[next.kid, 'next'], [first, 'signing']]);
  // A second rotation waits until this one's key signs.
  await expect(rotateSigningKey(db(), 'beta', box(), { publishSeconds: 100, retireAfterSeconds: 700 }, t0 + 2)).rejects.toBeInstanceOf(RotationPendingError);
  // From its time on the new key signs; the old one verifies what it signed.
  expect(await kidsOf('beta', t0 + 100_000)).toEqual([next.kid, first]);
  expect(await states('beta', t0 + 100_000)).toEqual([[next.kid, 'signing'], [first, 'previous']]);
  // Until its retirement.
  expect(await kidsOf('beta', t0 + 800_000)).toEqual([next.kid]);
  expect(await states('beta', t0 + 800_000)).toEqual([[next.kid, 'signing'], [first, 'retired']]);
});

test('the admin API lists the keys, starts a rotation with the union\'s defaults, refuses a second and bad timings, and audits it', async () => {
  const token = await adminToken(stack.unions.alpha);
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${stack.unions.alpha.issuer}/admin/v1${path}`, {
      method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, body: await response.json() as Record<string, any> };
  };
  expect((await call('GET', '/keys')).body.keys).toEqual([expect.objectContaining({ kid: 'alpha-1', state: 'signing', retiresAt: null })]);

  expect(await call('POST', '/keys/rotate', { publishSeconds: 30 })).toMatchObject({ status: 400, body: { error: { code: 'validation_failed', details: [{ field: 'publishSeconds', message: 'must be at least 90' }] } } });
  expect(await call('POST', '/keys/rotate', { retireAfterSeconds: 60 })).toMatchObject({ status: 400, body: { error: { details: [{ field: 'retireAfterSeconds' }] } } });

  const rotated = await call('POST', '/keys/rotate', {});
  expect(rotated.status).toBe(201);
  const { next, previous } = rotated.body;
  // An hour's publication; the old key stays for the union's longest IdP session (30 days by default).
  expect(Date.parse(next.activatesAt) - Date.parse(next.createdAt)).toBe(3600_000);
  expect(Date.parse(previous.retiresAt) - Date.parse(next.activatesAt)).toBe(30 * 24 * 3600_000);
  expect((await call('GET', '/keys')).body.keys.map((k: { state: string }) => k.state)).toEqual(['next', 'signing']);

  expect(await call('POST', '/keys/rotate', {})).toMatchObject({ status: 409, body: { error: { code: 'rotation_pending' } } });
  const audit = await db()('audit_log').where({ union_slug: 'alpha', action: 'admin.keys.rotate' }).orderBy('seq');
  expect(audit.map((a) => [a.outcome, a.target])).toEqual([['failure', null], ['failure', null], ['success', next.kid], ['failure', null]]);
  // The published JWKS carries the new key once the process has looked (at most KEY_CHECK_MS later).
  await new Promise((r) => setTimeout(r, KEY_CHECK_MS));
  const jwks = await (await fetch(`${stack.unions.alpha.issuer}/jwks`)).json() as { keys: { kid: string }[] };
  expect(jwks.keys.map((k) => k.kid)).toEqual(['alpha-1', next.kid]);
});
