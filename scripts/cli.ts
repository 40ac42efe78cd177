import fs from 'node:fs';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError, loadIdpConfig, type IdpConfig } from '../idp/config.js';
import { projectRoot } from '../project/paths.js';
import { migrateLatest, openDatabase, type Database } from '../migrations/database.js';
import { idpMigrations } from '../migrations/idp/index.js';

/** Shared start of the operator CLIs: parsed flags, the IdP configuration and a migrated database. */
export async function startCli(usage: string, options: NonNullable<ParseArgsConfig['options']>) {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({ options: { ...options, help: { type: 'boolean' } }, strict: true }));
  } catch (err) {
    fail(`${(err as Error).message}\n\n${usage}`);
  }
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const config = configOrFail();
  const db: Database = openDatabase(config.databaseUrl);
  await migrateLatest(db, idpMigrations);
  return { values, config, db };
}

export function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

/** The demo writes its settings here; `export $(cat data/demo.env)` points the CLIs at it. */
export const DEMO_ENV_FILE = path.join(projectRoot, 'data', 'demo.env');

/** A missing or wrong setting is one line for the operator (exit 2), not a stack trace. */
function configOrFail(): IdpConfig {
  try {
    return loadIdpConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const hint = fs.existsSync(DEMO_ENV_FILE) ? ' (for the running demo: export $(cat data/demo.env))' : '';
    return fail(`${err.message}${hint}`);
  }
}
