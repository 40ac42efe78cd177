import { defaultDatabaseUrl } from '../idp/config.js';
import { migrateLatest, openDatabase } from '../migrations/database.js';
import { createPortal } from './app.js';
import { loadPortalConfig } from './config.js';

/** `node dist/portal/main.js`: the portal alone, configured from the environment (see README). */
const config = loadPortalConfig(process.env, { databaseUrl: defaultDatabaseUrl() });
const db = openDatabase(config.databaseUrl);
await migrateLatest(db);
const { app, sessions } = createPortal(config, db);
app.listen(config.port, process.env.PORTAL_HOST ?? '0.0.0.0', () => {
  console.log(`kenpo-id portal listening on ${config.baseUrl}`);
});
setInterval(() => void sessions.purge().catch((err) => console.error('[portal] purge failed', err)), 10 * 60 * 1000).unref();
