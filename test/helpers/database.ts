import { idpMigrations } from '../../migrations/idp/index.js';
import { portalMigrations } from '../../migrations/portal/index.js';
import { createScratchDatabase, type ScratchDatabase } from '../../migrations/scratch-database.js';

/** Which database the suite runs on: `KENPO_TEST_DB=postgres` (CI runs both) or SQLite by default. */
export const testDatabaseKind = process.env.KENPO_TEST_DB === 'postgres' ? 'postgres' : 'sqlite';
const adminUrl = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export type TestDatabase = ScratchDatabase;

/** A fresh IdP database of its own for one test file; dropped afterwards. */
export function createTestDatabase(): Promise<TestDatabase> {
  return createScratchDatabase('kenpo_test', idpMigrations, testDatabaseKind === 'postgres' ? adminUrl : undefined);
}

/** A fresh portal database (the portal's own schema, never the IdP's) for one test file. */
export function createPortalTestDatabase(): Promise<TestDatabase> {
  return createScratchDatabase('kenpo_portal_test', portalMigrations, testDatabaseKind === 'postgres' ? adminUrl : undefined);
}

/**
 * A fresh PostgreSQL database whatever KENPO_TEST_DB says: several IdP processes share one only on
 * PostgreSQL (an SQLite file belongs to one process), so the scale-out tests always use it.
 */
export function createPostgresTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  return createScratchDatabase('kenpo_test', options.migrate === false ? null : idpMigrations, adminUrl);
}
