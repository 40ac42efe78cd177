import { migrateLatest, openDatabase } from '../migrations/database.js';
import { createIdp } from './app.js';
import { loadIdpConfig } from './config.js';
import { purgeExpiredModels } from './oidc/adapter.js';

/** `node dist/idp/main.js`: the IdP alone, configured from the environment (see README). */
const config = loadIdpConfig();
const db = openDatabase(config.databaseUrl);
await migrateLatest(db);
const idp = createIdp(config, db);
await idp.listen(config.port, process.env.IDP_HOST ?? '0.0.0.0');
setInterval(() => void purgeExpiredModels(db).catch((err) => console.error('[idp] purge failed', err)), 10 * 60 * 1000).unref();
console.log(`kenpo-id IdP listening on ${config.baseUrl} (issuers at ${config.baseUrl}/u/<union>)`);
