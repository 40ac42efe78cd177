import crypto from 'node:crypto';
import { saveUnion } from '../../idp/unions/union-repository.js';
import { migrateLatest, openDatabase } from '../../migrations/database.js';
import { idpMigrations } from '../../migrations/idp/index.js';
import { createIdpCluster } from '../../scripts/local-cluster/program-process.js';
import { createPostgresTestDatabase } from '../helpers/database.js';
import { ensureBuilt } from '../helpers/production-stack.js';

/**
 * Two IdP processes started at the same moment on an empty PostgreSQL database (no tables yet):
 * both come up (one migrates, the other waits for it), and when both are asked for a new union's
 * keys at once they publish the same first key, of which the database holds one.
 */
test('two processes starting together on an empty database both start and agree on each union\'s first key', async () => {
  await ensureBuilt();
  const database = await createPostgresTestDatabase({ migrate: false });
  const cluster = await createIdpCluster(2, {
    DATABASE_URL: database.url,
    COOKIE_KEYS: crypto.randomBytes(32).toString('base64url'),
    DATA_ENCRYPTION_KEY: crypto.randomBytes(32).toString('base64'),
    MAIL_DIR: `/tmp/kenpo-first-start-${process.pid}`,
  });
  try {
    await cluster.start();
    const slugs = ['first-a', 'first-b', 'first-c', 'first-d'];
    for (const [i, slug] of slugs.entries()) {
      await saveUnion(database.db, { slug, name: `${slug}健康保険組合`, insurerNumber: `0613950${i}` });
    }
    // Every union's JWKS from both processes at the same moment: each creates the key on first use.
    const jwks = await Promise.all(slugs.map((slug) => Promise.all(cluster.processes.map(async (p) => {
      const response = await fetch(`${p.url}/u/${slug}/jwks`);
      expect(response.status).toBe(200);
      return (await response.json()) as { keys: Array<{ kid: string; n: string }> };
    }))));
    for (const [i, slug] of slugs.entries()) {
      const [first, second] = jwks[i];
      expect(first.keys).toHaveLength(1);
      expect(second.keys).toEqual(first.keys);
      const rows = await database.db('signing_keys').where({ union_slug: slug }).select('kid');
      expect(rows.map((r) => r.kid)).toEqual([first.keys[0].kid]);
    }
  } finally {
    await cluster.stop();
    await database.drop();
  }
}, 120_000);

test('two connection pools migrating an empty database at once (two processes\' start-up) both succeed', async () => {
  const database = await createPostgresTestDatabase({ migrate: false });
  const other = openDatabase(database.url);
  try {
    const results = await Promise.allSettled([migrateLatest(database.db, idpMigrations), migrateLatest(other, idpMigrations)]);
    expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : r.status))).toEqual(['fulfilled', 'fulfilled']);
    expect((await database.db('knex_migrations').count({ n: '*' }))[0].n).toBe((await idpMigrations.source.getMigrations([])).length);
  } finally {
    await other.destroy();
    await database.drop();
  }
});
