import { migrateLatest, openDatabase } from '../migrations/database.js';
import { portalMigrations } from '../migrations/portal/index.js';
import { createPortal } from './app.js';
import { loadPortalConfig } from './config.js';

/** `node dist/portal/main.js`: the portal alone, on its own database, configured from the environment (see README). */
const config = loadPortalConfig(process.env);
const db = openDatabase(config.databaseUrl);
await migrateLatest(db, portalMigrations);
const { app, sessions, notifications } = createPortal(config, db);
const server = app.listen(config.port, process.env.PORTAL_HOST ?? '0.0.0.0', () => {
  console.log(`kenpo-id portal listening on ${config.baseUrl}`);
});
notifications.start();
setInterval(() => void sessions.purge().catch((err) => console.error('[portal] purge failed', err)), 10 * 60 * 1000).unref();

// A clean stop lets the mail in flight record its outcome; unsent mails wait in the outbox.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    server.close();
    server.closeAllConnections();
    void notifications.stop().then(() => db.destroy()).finally(() => process.exit(0));
  });
}
