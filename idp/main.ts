import { migrateLatest, openDatabase } from '../migrations/database.js';
import { idpMigrations } from '../migrations/idp/index.js';
import { createIdp } from './app.js';
import { loadIdpConfig } from './config.js';
import { purgeExpiredModels } from './oidc/adapter.js';
import { startBackchannelWorker } from './oidc/backchannel-worker.js';

/** `node dist/idp/main.js`: the IdP alone, configured from the environment (see README). */
const config = loadIdpConfig();
const db = openDatabase(config.databaseUrl);
await migrateLatest(db, idpMigrations);
const idp = createIdp(config, db);
const server = await idp.listen(config.port, process.env.IDP_HOST ?? '0.0.0.0');
const backchannel = startBackchannelWorker({ db, registry: idp.registry, retry: config.backchannelRetry });
setInterval(() => void purgeExpiredModels(db).catch((err) => console.error('[idp] purge failed', err)), 10 * 60 * 1000).unref();
console.log(`kenpo-id IdP listening on ${config.baseUrl} (issuers at ${config.baseUrl}/u/<union>)`);

// A clean stop lets an attempt in flight record its outcome; undelivered rows wait in the outbox.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    server.close();
    server.closeAllConnections();
    void backchannel.stop().then(() => db.destroy()).finally(() => process.exit(0));
  });
}
