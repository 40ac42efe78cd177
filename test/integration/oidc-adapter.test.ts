import crypto from 'node:crypto';
import { KnexAdapter, purgeExpiredModels } from '../../idp/oidc/adapter.js';
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
  await sessions.upsert('s1', { accountId: 'a1', uid: 'u1', kind: 'Session' }, 60);
  expect(await sessions.find('s1')).toEqual({ accountId: 'a1', uid: 'u1', kind: 'Session' });
  expect(await sessions.findByUid('u1')).toMatchObject({ accountId: 'a1' });
  await sessions.upsert('s1', { accountId: 'a2', uid: 'u1', kind: 'Session' }, 60);
  expect(await sessions.find('s1')).toMatchObject({ accountId: 'a2' });
  await sessions.destroy('s1');
  expect(await sessions.find('s1')).toBeUndefined();
});

test('an expired instance is not returned, and purge removes it', async () => {
  const codes = adapter('one', 'AuthorizationCode');
  await codes.upsert('old', { kind: 'AuthorizationCode' }, 60);
  await database.db('oidc_models').where({ id: 'old' }).update({ expires_at: Date.now() - 1 });
  expect(await codes.find('old')).toBeUndefined();
  expect(await purgeExpiredModels(database.db)).toBeGreaterThanOrEqual(1);
  expect(await database.db('oidc_models').where({ id: 'old' }).first()).toBeUndefined();
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
