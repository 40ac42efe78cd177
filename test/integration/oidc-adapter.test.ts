import crypto from 'node:crypto';
import { KnexAdapter, purgeExpiredModels, storedModelId } from '../../idp/oidc/adapter.js';
import { SecretBox } from '../../idp/security/encryption.js';
import { saveUnion } from '../../idp/unions/union-repository.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

let database: TestDatabase;
const box = new SecretBox(crypto.randomBytes(32));
const adapter = (union: string, model: string) => new KnexAdapter(database.db, union, model, box);

beforeAll(async () => {
  database = await createTestDatabase();
  await saveUnion(database.db, { slug: 'one', name: '一', insurerNumber: '06130011' });
  await saveUnion(database.db, { slug: 'two', name: '二', insurerNumber: '06130012' });
});
afterAll(() => database?.drop());

test('stores, finds, updates and destroys a model instance', async () => {
  const sessions = adapter('one', 'Session');
  await sessions.upsert('s1', { jti: 's1', accountId: 'a1', uid: 'u1', kind: 'Session' }, 60);
  expect(await sessions.find('s1')).toEqual({ jti: 's1', accountId: 'a1', uid: 'u1', kind: 'Session' });
  expect(await sessions.findByUid('u1')).toMatchObject({ accountId: 'a1' });
  await sessions.upsert('s1', { accountId: 'a2', uid: 'u1', kind: 'Session' }, 60);
  expect(await sessions.find('s1')).toMatchObject({ accountId: 'a2' });
  await sessions.destroy('s1');
  expect(await sessions.find('s1')).toBeUndefined();
});

test('an expired instance is not returned, and purge removes it', async () => {
  const codes = adapter('one', 'AuthorizationCode');
  await codes.upsert('old', { kind: 'AuthorizationCode' }, 60);
  const id = storedModelId(box, 'AuthorizationCode', 'old');
  await database.db('oidc_models').where({ id }).update({ expires_at: Date.now() - 1 });
  expect(await codes.find('old')).toBeUndefined();
  expect(await purgeExpiredModels(database.db)).toBeGreaterThanOrEqual(1);
  expect(await database.db('oidc_models').where({ id }).first()).toBeUndefined();
});

test('a consumed code is returned marked as consumed, so oidc-provider rejects its reuse', async () => {
  const codes = adapter('one', 'AuthorizationCode');
  await codes.upsert('c1', { kind: 'AuthorizationCode', grantId: 'g1' }, 60);
  expect((await codes.find('c1'))?.consumed).toBeUndefined();
  await codes.consume('c1');
  expect((await codes.find('c1'))?.consumed).toEqual(expect.any(Number));
});

test('revoking a grant removes every artifact of that grant, of every model', async () => {
  await adapter('one', 'AccessToken').upsert('at1', { grantId: 'g9' }, 60);
  await adapter('one', 'RefreshToken').upsert('rt1', { grantId: 'g9' }, 60);
  await adapter('one', 'AccessToken').upsert('at2', { grantId: 'other' }, 60);
  await adapter('one', 'AccessToken').revokeByGrantId('g9');
  expect(await adapter('one', 'AccessToken').find('at1')).toBeUndefined();
  expect(await adapter('one', 'RefreshToken').find('rt1')).toBeUndefined();
  expect(await adapter('one', 'AccessToken').find('at2')).toBeDefined();
});

test('one union never sees another union\'s artifacts, even with the same id', async () => {
  await adapter('one', 'Session').upsert('shared-id', { accountId: 'from-one' }, 60);
  expect(await adapter('two', 'Session').find('shared-id')).toBeUndefined();
  await adapter('two', 'Session').upsert('shared-id', { accountId: 'from-two' }, 60);
  expect(await adapter('one', 'Session').find('shared-id')).toMatchObject({ accountId: 'from-one' });
  await adapter('two', 'AccessToken').upsert('t', { grantId: 'g' }, 60);
  await adapter('one', 'AccessToken').revokeByGrantId('g');
  expect(await adapter('two', 'AccessToken').find('t')).toBeDefined();
});

test('client metadata (with its secret) is sealed at rest', async () => {
  await adapter('one', 'Client').upsert('client-1', { client_id: 'client-1', client_secret: 'super-secret-value' });
  const row = await database.db('oidc_models').where({ id: 'client-1' }).first();
  expect(row.payload).not.toContain('super-secret-value');
  expect(await adapter('one', 'Client').find('client-1')).toMatchObject({ client_secret: 'super-secret-value' });
});

test('a bearer-like id is stored only as a keyed hash, nowhere in the row; Clients and Grants keep theirs', async () => {
  await adapter('one', 'RefreshToken').upsert('raw-refresh-value', { jti: 'raw-refresh-value', grantId: 'g1', kind: 'RefreshToken' }, 60);
  const rows = await database.db('oidc_models').where({ union_slug: 'one', model: 'RefreshToken', grant_id: 'g1' });
  expect(rows).toHaveLength(1);
  expect(JSON.stringify(rows)).not.toContain('raw-refresh-value');
  expect(rows[0].id).toBe(storedModelId(box, 'RefreshToken', 'raw-refresh-value'));
  // Found by the raw value, with its jti back; the stored id itself finds nothing.
  expect(await adapter('one', 'RefreshToken').find('raw-refresh-value')).toMatchObject({ jti: 'raw-refresh-value', grantId: 'g1' });
  expect(await adapter('one', 'RefreshToken').find(rows[0].id)).toBeUndefined();
  // Another key gives another hash: the stored id depends on the server's secret.
  expect(storedModelId(new SecretBox(crypto.randomBytes(32)), 'RefreshToken', 'raw-refresh-value')).not.toBe(rows[0].id);

  await adapter('one', 'Interaction').upsert('raw-uid', { jti: 'raw-uid', returnTo: 'https://x/auth/raw-uid', session: { cookie: 'raw-cookie' } } as never, 60);
  const interaction = await database.db('oidc_models').where({ union_slug: 'one', model: 'Interaction' }).first();
  expect(JSON.stringify(interaction)).not.toMatch(/raw-uid|raw-cookie/);
  expect(await adapter('one', 'Interaction').find('raw-uid')).toMatchObject({ jti: 'raw-uid', session: { cookie: 'raw-cookie' } });

  await adapter('one', 'Grant').upsert('grant-raw', { jti: 'grant-raw', accountId: 'a1' }, 60);
  expect(await database.db('oidc_models').where({ union_slug: 'one', model: 'Grant', id: 'grant-raw' }).first()).toBeDefined();
});
