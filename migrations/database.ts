import fs from 'node:fs';
import path from 'node:path';
import knex, { type Knex } from 'knex';
import pg from 'pg';

// Times are stored as epoch milliseconds in BIGINT columns; read them back as numbers, not strings.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));

export type Database = Knex;

/** One program's schema history: the IdP's and the portal's live in different databases. */
export interface MigrationSet {
  source: Knex.MigrationSource<string>;
  /** knex's record of applied migrations, named per program so no database could mix them up. */
  tableName: string;
  /** The PostgreSQL advisory lock start-ups of this program queue on (any fixed number). */
  lockId: number;
}

/**
 * Migrations are listed in code rather than discovered on disk, so the same list runs from the
 * TypeScript sources (tests), the compiled output (production) and any bundler.
 */
export function migrationSet(migrations: Record<string, Knex.Migration>, tableName: string, lockId: number): MigrationSet {
  return {
    source: {
      getMigrations: async () => Object.keys(migrations).sort(),
      getMigrationName: (name) => name,
      getMigration: async (name) => migrations[name],
    },
    tableName,
    lockId,
  };
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

function poolMax(): number {
  const value = Number(process.env.DATABASE_POOL_MAX ?? 10);
  if (!Number.isInteger(value) || value < 1) throw new Error('DATABASE_POOL_MAX must be a positive whole number');
  return value;
}

/**
 * Holds the rows `query` reads until the transaction ends, so a concurrent writer waits for it
 * (PostgreSQL's FOR UPDATE). SQLite needs nothing: it runs one writer at a time anyway.
 */
export function forUpdate<Q extends Knex.QueryBuilder>(trx: Database, query: Q): Q {
  return trx.client.config.client === 'pg' ? query.forUpdate() as Q : query;
}

/** Opens the database named by `url`: a PostgreSQL URL, or a path to an SQLite file (created on demand). */
export function openDatabase(url: string): Database {
  if (isPostgresUrl(url)) {
    // A request holds a connection only while its queries run: DATABASE_POOL_MAX (10) per process
    // serves many concurrent logins; several processes together must stay under max_connections.
    return knex({ client: 'pg', connection: url, pool: { min: 0, max: poolMax() } });
  }
  const filename = url.replace(/^sqlite:(\/\/)?/, '');
  if (filename !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(filename)), { recursive: true });
  return knex({
    client: 'sqlite3',
    connection: { filename },
    useNullAsDefault: true,
    // One connection serialises writes, which is what SQLite does anyway; WAL lets readers in
    // meanwhile. synchronous=NORMAL in WAL mode fsyncs at checkpoints, not at every commit: a power
    // loss may undo the last transactions, never corrupt the file (README, DATABASE_URL).
    pool: {
      min: 1,
      max: 1,
      afterCreate(conn: { run: (sql: string, cb: (err: Error | null) => void) => void }, done: (err: Error | null) => void) {
        const pragmas = ['PRAGMA foreign_keys = ON', 'PRAGMA journal_mode = WAL', 'PRAGMA synchronous = NORMAL', 'PRAGMA busy_timeout = 5000'];
        const next = (i: number) => (i === pragmas.length ? done(null) : conn.run(pragmas[i], (err) => (err ? done(err) : next(i + 1))));
        next(0);
      },
    },
  });
}

/**
 * Brings one program's schema up to date. Processes starting together on one PostgreSQL database take
 * turns under an advisory lock (held by a transaction on one connection while the migrations run
 * on others): knex's own lock lives in a table the first start has yet to create, so two fresh
 * start-ups would both try to create it and one would fail.
 */
export async function migrateLatest(db: Database, set: MigrationSet): Promise<void> {
  const config = { migrationSource: set.source, tableName: set.tableName, lockTableName: `${set.tableName}_lock` };
  if (db.client.config.client !== 'pg') {
    await db.migrate.latest(config);
    return;
  }
  await db.transaction(async (trx) => {
    await trx.raw('SELECT pg_advisory_xact_lock(?)', [set.lockId]);
    await db.migrate.latest(config);
  });
}
