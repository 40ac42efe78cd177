import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knex from 'knex';
import { recordAudit, type AuditEntry } from '../../audit/audit-log.js';
import { entryHash } from '../../audit/audit-chain.js';
import { describeChainReport, verifyAuditChain } from '../../audit/audit-verify.js';
import { openDatabase, type Database } from '../../migrations/database.js';
import { idpMigrations } from '../../migrations/idp/index.js';

const { source: migrationSource } = idpMigrations;
import { createTestDatabase, testDatabaseKind, type TestDatabase } from '../helpers/database.js';

/**
 * The review's attack: someone who can write to the database (the application's own role, a
 * superuser, a restored dump) edits, deletes or truncates audit entries. The chain makes each change
 * visible to the verifier, and PostgreSQL refuses TRUNCATE outright.
 */
let database: TestDatabase;
const db = () => database.db;
const pg = testDatabaseKind === 'postgres';

beforeAll(async () => { database = await createTestDatabase(); });
afterAll(() => database?.drop());

const entry = (unionSlug: string, n: number): AuditEntry => ({
  unionSlug, actor: 'system', action: 'test.entry', target: `t-${n}`, outcome: 'success', ip: '192.0.2.1', detail: { n },
});
async function record(unionSlug: string, count: number): Promise<void> {
  for (let n = 1; n <= count; n += 1) await recordAudit(db(), entry(unionSlug, n));
}
const idOf = async (unionSlug: string, seq: number): Promise<number> =>
  Number((await db()('audit_log').where({ union_slug: unionSlug, seq }).first('id')).id);

/** Runs `work` with the append-only triggers out of the way, as an attacker with enough rights would. */
async function bypassingTriggers(work: (trx: Database) => Promise<unknown>): Promise<void> {
  if (pg) {
    await db().transaction(async (trx) => {
      await trx.raw('SET LOCAL session_replication_role = replica');
      await work(trx);
    });
    return;
  }
  await db().raw('DROP TRIGGER IF EXISTS audit_log_no_update');
  await db().raw('DROP TRIGGER IF EXISTS audit_log_no_delete');
  await work(db());
}

test('an intact chain verifies, and every entry carries seq, prev_hash and hash', async () => {
  await record('intact', 5);
  expect(describeChainReport(await verifyAuditChain(db(), 'intact'))).toBe('ok: 5 entries');
  const rows = await db()('audit_log').where({ union_slug: 'intact' }).orderBy('id');
  expect(rows.map((r) => Number(r.seq))).toEqual([1, 2, 3, 4, 5]);
  expect(rows[1].prev_hash).toBe(rows[0].hash);
});

test('the database refuses updates and deletes, and PostgreSQL refuses TRUNCATE', async () => {
  await record('locked', 2);
  await expect(db()('audit_log').where({ union_slug: 'locked' }).update({ outcome: 'failure' })).rejects.toThrow(/append-only/);
  await expect(db()('audit_log').where({ union_slug: 'locked' }).delete()).rejects.toThrow(/append-only/);
  await expect(db()('audit_heads').where({ union_slug: 'locked' }).delete()).rejects.toThrow(/permanent/);
  if (pg) {
    await expect(db().raw('TRUNCATE audit_log')).rejects.toThrow(/append-only/);
    await expect(db().raw('TRUNCATE audit_heads')).rejects.toThrow(/permanent/);
  }
  expect((await verifyAuditChain(db(), 'locked')).entries).toBe(2);
});

// The remaining tests tamper with the log, so each uses a union of its own and runs after the above.
test('concurrent writers (several connection pools, as several IdP processes) never fork the chain', async () => {
  const pools = [db(), openDatabase(database.url), openDatabase(database.url)];
  try {
    await Promise.all(Array.from({ length: 60 }, (_, n) => recordAudit(pools[n % pools.length], entry('busy', n))));
  } finally {
    await Promise.all(pools.slice(1).map((p) => p.destroy()));
  }
  expect(describeChainReport(await verifyAuditChain(db(), 'busy'))).toBe('ok: 60 entries');
  const seqs = (await db()('audit_log').where({ union_slug: 'busy' }).orderBy('seq').pluck('seq')).map(Number);
  expect(seqs).toEqual(Array.from({ length: 60 }, (_, n) => n + 1));
});

test('an edited entry is named by the verifier', async () => {
  await record('edited', 5);
  const id = await idOf('edited', 3);
  await bypassingTriggers((trx) => trx('audit_log').where({ id }).update({ outcome: 'failure' }));
  const report = await verifyAuditChain(db(), 'edited');
  expect(report.broken).toEqual({ seq: 3, id, problem: expect.stringMatching(/edited/) });
  expect(describeChainReport(report)).toMatch(new RegExp(`seq 3, id ${id}: .*edited`));
});

test('an entry edited and rehashed breaks the link to the next; a full rewrite is caught by an anchor', async () => {
  await record('rehashed', 4);
  const anchor = (await verifyAuditChain(db(), 'rehashed')).head!;
  const rows = await db()('audit_log').where({ union_slug: 'rehashed' }).orderBy('seq');
  // The attacker knows the algorithm: seq 2 is rewritten with a correct hash of its new content.
  const forged = { ...rows[1], detail: '{"n":"forged"}' };
  const forgedHash = entryHash(forged.prev_hash, forged);
  await bypassingTriggers((trx) => trx('audit_log').where({ id: forged.id }).update({ detail: forged.detail, hash: forgedHash }));
  expect((await verifyAuditChain(db(), 'rehashed')).broken).toMatchObject({ seq: 3, id: Number(rows[2].id), problem: expect.stringMatching(/prev_hash/) });

  // …and then every later entry and the head: consistent again, except with the head noted earlier.
  let prev = forgedHash;
  for (const row of rows.slice(2)) {
    const hash = entryHash(prev, row);
    await bypassingTriggers((trx) => trx('audit_log').where({ id: row.id }).update({ prev_hash: prev, hash }));
    prev = hash;
  }
  await db()('audit_heads').where({ union_slug: 'rehashed' }).update({ hash: prev });
  expect((await verifyAuditChain(db(), 'rehashed')).broken).toBeUndefined();
  expect((await verifyAuditChain(db(), 'rehashed', { anchors: new Map([[4, anchor]]) })).broken).toMatchObject({ seq: 4, problem: expect.stringMatching(/anchor/) });
});

test('a deleted entry, in the middle or at the end, is found', async () => {
  await record('deleted', 5);
  const middle = await idOf('deleted', 3);
  const next = await idOf('deleted', 4);
  await bypassingTriggers((trx) => trx('audit_log').where({ id: middle }).delete());
  expect((await verifyAuditChain(db(), 'deleted')).broken).toEqual({ seq: 3, id: next, problem: 'entry seq 3 is missing (deleted)' });

  await record('tail', 4);
  const last = await idOf('tail', 4);
  await bypassingTriggers((trx) => trx('audit_log').where({ id: last }).delete());
  expect(describeChainReport(await verifyAuditChain(db(), 'tail'))).toMatch(/seq 4: the last entry \(seq 4\) is missing/);
});

test('an entry inserted around recordAudit is found', async () => {
  await record('inserted', 2);
  await db()('audit_log').insert({ union_slug: 'inserted', at: Date.now(), actor: 'system', action: 'forged', outcome: 'success', detail: '{}' });
  expect((await verifyAuditChain(db(), 'inserted')).broken).toMatchObject({ seq: 3, problem: expect.stringMatching(/not chained/) });
});

test('the migration chains the entries written before it', async () => {
  const scratch = await migratedUpTo('008_hashed_model_keys');
  try {
    for (const [union, n] of [['old-a', 1], ['old-b', 1], ['old-a', 2]] as const) {
      await scratch.db('audit_log').insert({ union_slug: union, at: 1000 + n, actor: 'system', action: 'old', outcome: 'success', detail: '{}' });
    }
    await scratch.db.migrate.latest({ migrationSource });
    expect(describeChainReport(await verifyAuditChain(scratch.db, 'old-a'))).toBe('ok: 2 entries');
    expect(describeChainReport(await verifyAuditChain(scratch.db, 'old-b'))).toBe('ok: 1 entries');
    await recordAudit(scratch.db, entry('old-a', 3));
    expect(describeChainReport(await verifyAuditChain(scratch.db, 'old-a'))).toBe('ok: 3 entries');
  } finally {
    await scratch.drop();
  }
});

/** A database migrated only up to (and including) `last`: an installation before the chain. */
async function migratedUpTo(last: string): Promise<{ db: Database; drop: () => Promise<void> }> {
  const name = `kenpo_test_${crypto.randomBytes(6).toString('hex')}`;
  let url: string;
  let drop: () => Promise<void>;
  if (pg) {
    const admin = knex({ client: 'pg', connection: new URL('/postgres', database.url).href, pool: { min: 0, max: 1 } });
    await admin.raw(`CREATE DATABASE ${name}`);
    url = new URL(`/${name}`, database.url).href;
    drop = async () => { await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`); await admin.destroy(); };
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kenpo-audit-'));
    url = path.join(dir, `${name}.sqlite`);
    drop = async () => fs.rmSync(dir, { recursive: true, force: true });
  }
  const scratch = openDatabase(url);
  const names = await migrationSource.getMigrations([]);
  for (const migration of names.slice(0, names.indexOf(last) + 1)) await scratch.migrate.up({ migrationSource, name: migration });
  return { db: scratch, drop: async () => { await scratch.destroy(); await drop(); } };
}
