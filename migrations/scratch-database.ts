import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knex from 'knex';
import { migrateLatest, openDatabase, type Database, type MigrationSet } from './database.js';

export interface ScratchDatabase {
  db: Database;
  url: string;
  /** Closes the connections and deletes the database. */
  drop(): Promise<void>;
}

/**
 * A fresh, throw-away database for tests and benchmarks, migrated with `migrations` (null: empty, as
 * before a first start): a temporary SQLite file, or, given a PostgreSQL admin URL,
 * `CREATE DATABASE <prefix>_<random>` on that server.
 */
export async function createScratchDatabase(prefix: string, migrations: MigrationSet | null, postgresAdminUrl?: string): Promise<ScratchDatabase> {
  const name = `${prefix}_${crypto.randomBytes(6).toString('hex')}`;
  if (!postgresAdminUrl) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
    const url = path.join(dir, `${name}.sqlite`);
    const db = openDatabase(url);
    if (migrations) await migrateLatest(db, migrations);
    return { db, url, drop: async () => { await db.destroy(); fs.rmSync(dir, { recursive: true, force: true }); } };
  }
  const admin = knex({ client: 'pg', connection: postgresAdminUrl, pool: { min: 0, max: 1 } });
  await admin.raw(`CREATE DATABASE ${name}`);
  const url = new URL(postgresAdminUrl);
  url.pathname = `/${name}`;
  const db = openDatabase(url.href);
  if (migrations) await migrateLatest(db, migrations);
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
