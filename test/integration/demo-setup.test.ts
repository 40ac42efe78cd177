import { currentTerms } from '../../idp/terms/terms-repository.js';
import { findUnion, saveUnion } from '../../idp/unions/union-repository.js';
import { DEMO_TERMS, DEMO_UNION } from '../../scripts/demo-data.js';
import { prepareDemoUnion } from '../../scripts/demo-setup.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

/** What `npm run demo` sets up for a newcomer: the portal's address and published terms of use. */
let database: TestDatabase;
beforeAll(async () => { database = await createTestDatabase(); });
afterAll(async () => { await database.drop(); });

test('a fresh demo: portalUrl set, terms published; a second start changes neither', async () => {
  await prepareDemoUnion(database.db, 'http://localhost:4000/u/demo/');
  expect((await findUnion(database.db, DEMO_UNION.slug))?.policy.portalUrl).toBe('http://localhost:4000/u/demo/');
  expect(await currentTerms(database.db, DEMO_UNION.slug)).toMatchObject({ version: 1, title: DEMO_TERMS.title });

  await prepareDemoUnion(database.db, 'http://elsewhere:4000/u/demo/');
  expect((await findUnion(database.db, DEMO_UNION.slug))?.policy.portalUrl).toBe('http://localhost:4000/u/demo/');
  expect((await currentTerms(database.db, DEMO_UNION.slug))?.version).toBe(1);
});

test('an older demo database (union without portalUrl): the address is added, its other settings kept', async () => {
  await saveUnion(database.db, { ...DEMO_UNION, settings: { lockoutThreshold: 7 } });
  await prepareDemoUnion(database.db, 'http://localhost:4000/u/demo/');
  const union = await findUnion(database.db, DEMO_UNION.slug);
  expect(union?.policy.portalUrl).toBe('http://localhost:4000/u/demo/');
  expect(union?.policy.lockoutThreshold).toBe(7);
});
