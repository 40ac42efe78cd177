import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { recordAudit } from '../audit/audit-log.js';
import { migrateLatest, openDatabase } from '../migrations/database.js';
import { portalMigrations } from '../migrations/portal/index.js';
import { loadPortalUnions, portalDatabaseUrl } from '../portal/config.js';
import { CLAIM_COLUMNS, parseClaimsCsv, type ClaimCsvError } from '../portal/medical/claims-csv.js';
import { importClaims } from '../portal/medical/claims-import.js';
import { fail } from './cli.js';
import { progressBar } from './progress-bar.js';

const usage = `Imports a claim file (CSV, format in README "Medical data") into one union's medical data
in the portal's database (PORTAL_DATABASE_URL; the union as PORTAL_UNIONS configures it, with its
insurerNumber). Every row is checked first; if any row is wrong nothing is written. Importing the same
file again changes nothing.

  npm run claims:import -- --union demo claims-2025-03.csv`;

const MAX_ERRORS_SHOWN = 50;

function readArgs() {
  try {
    return parseArgs({ options: { union: { type: 'string' }, help: { type: 'boolean' } }, allowPositionals: true, strict: true });
  } catch (err) {
    return fail(`${(err as Error).message}\n\n${usage}`);
  }
}
const { values, positionals } = readArgs();
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const slug = values.union ?? fail(`--union is required\n\n${usage}`);
if (positionals.length !== 1) fail(`name exactly one CSV file\n\n${usage}`);
const file = positionals[0];

function readUtf8(name: string): string {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(name);
  } catch (err) {
    return fail(`cannot read ${name}: ${(err as Error).message}`);
  }
  try {
    // fatal: a Shift_JIS file must be refused, not imported as mojibake.
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail(`${name} is not UTF-8 text (save it as UTF-8; Shift_JIS is not accepted)`);
  }
}
const text = readUtf8(file);

const union = loadPortalUnions().find((u) => u.slug === slug) ?? fail(`unknown union: ${slug} (not in PORTAL_UNIONS)`);
const insurerNumber = union.insurerNumber ?? fail(`union ${slug} has no "insurerNumber" in PORTAL_UNIONS`);
const db = openDatabase(portalDatabaseUrl());
try {
  await migrateLatest(db, portalMigrations);
  const parsed = parseClaimsCsv(text, { insurerNumber, now: new Date() });
  if (!parsed.ok) {
    const describe = (e: ClaimCsvError) => `${file}: line ${e.line}${e.field ? `, ${e.field} (${CLAIM_COLUMNS[e.field]})` : ''}: ${e.message}`;
    const shown = parsed.errors.slice(0, MAX_ERRORS_SHOWN).map(describe);
    const more = parsed.errors.length - shown.length;
    console.error([...shown, ...(more > 0 ? [`… and ${more} more`] : []), `${parsed.errors.length} error(s); nothing was imported.`].join('\n'));
    process.exitCode = 1;
  } else {
    const bar = progressBar('importing', parsed.records.length);
    const counts = await importClaims(db, union.slug, parsed.records, (done) => bar.update(done));
    bar.finish();
    await recordAudit(db, {
      unionSlug: union.slug, actor: 'operator:claims-import', action: 'medical.import', target: path.basename(file),
      outcome: 'success', detail: { rows: parsed.records.length, ...counts },
    });
    console.log(`${path.basename(file)}: ${parsed.records.length} rows — ${counts.created} created, ${counts.updated} updated, `
      + `${counts.unchanged} unchanged (${counts.householdsCreated} new households, ${counts.patientsCreated} new patients)`);
  }
} finally {
  await db.destroy();
}
