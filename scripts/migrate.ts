import { defaultDatabaseUrl } from '../idp/config.js';
import { migrateLatest, openDatabase } from '../migrations/database.js';
import { idpMigrations } from '../migrations/idp/index.js';

/**
 * `npm run db:migrate`: applies the migrations and nothing else, so they can run as the schema's
 * owner while the IdP itself runs as a role that may not change the schema (see README, Security).
 */
const db = openDatabase(process.env.DATABASE_URL || defaultDatabaseUrl());
try {
  await migrateLatest(db, idpMigrations);
  console.log('migrations applied');
} finally {
  await db.destroy();
}
