import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knex from 'knex';
import { migrateLatest, openDatabase, type Database } from '../../migrations/database.js';

/** Which database the suite runs on: `KENPO_TEST_DB=postgres` (CI runs both) or SQLite by default. */
export const testDatabaseKind = process.env.KENPO_TEST_DB === 'postgres' ? 'postgres' : 'sqlite';
const adminUrl = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  db: Database;
  url: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database of its own for one test file; dropped afterwards. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `kenpo_test_${crypto.randomBytes(6).toString('hex')}`;
  if (testDatabaseKind === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kenpo-test-'));
    const url = path.join(dir, `${name}.sqlite`);
    const db = openDatabase(url);
    await migrateLatest(db);
    return { db, url, drop: async () => { await db.destroy(); fs.rmSync(dir, { recursive: true, force: true }); } };
  }
  const admin = knex({ client: 'pg', connection: adminUrl, pool: { min: 0, max: 1 } });
  await admin.raw(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = openDatabase(url.href);
  await migrateLatest(db);
  return {
    db,
    url: url.href,
    drop: async () => {
      await db.destroy();
      await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.destroy();
    },
  };
}
