import { migrateLatest, openDatabase } from '../migrations/database.js';
import { portalMigrations } from '../migrations/portal/index.js';
import { createPortal } from './app.js';
import { loadPortalConfig } from './config.js';

/** `node dist/portal/main.js`: the portal alone, on its own database, configured from the environment (see README). */
const config = loadPortalConfig(process.env);
const db = openDatabase(config.databaseUrl);
await migrateLatest(db, portalMigrations);
const { app, sessions } = createPortal(config, db);
app.listen(config.port, process.env.PORTAL_HOST ?? '0.0.0.0', () => {
  console.log(`kenpo-id portal listening on ${config.baseUrl}`);
});
setInterval(() => void sessions.purge().catch((err) => console.error('[portal] purge failed', err)), 10 * 60 * 1000).unref();
