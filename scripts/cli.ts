import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadIdpConfig } from '../idp/config.js';
import { migrateLatest, openDatabase, type Database } from '../migrations/database.js';

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
  const config = loadIdpConfig();
  const db: Database = openDatabase(config.databaseUrl);
  await migrateLatest(db);
  return { values, config, db };
}

export function fail(message: string): never {
  console.error(message);
  process.exit(2);
}
