import { parseArgs } from 'node:util';
import { describeChainReport, verifyAuditChain } from '../audit/audit-verify.js';
import { defaultDatabaseUrl } from '../idp/config.js';
import { openDatabase } from '../migrations/database.js';
import { portalDatabaseUrl } from '../portal/config.js';
import { fail } from './cli.js';

const usage = `Checks a union's audit chain and names the first broken entry (exit 1), or prints "ok: N entries"
and the head (seq:hash) to note elsewhere; a noted head given back as --anchor must still be in the chain.
Reads the IdP's log in DATABASE_URL (or the default SQLite file), or with --portal the portal's log
(medical reads, portal admin actions) in PORTAL_DATABASE_URL; needs no keys and changes nothing.

  npm run audit:verify -- --union kawasaki [--portal] [--anchor 1234:9f86d081…]`;

let union: string | undefined;
let portal = false;
const anchors = new Map<number, string>();
try {
  const { values } = parseArgs({ options: { union: { type: 'string' }, portal: { type: 'boolean' }, anchor: { type: 'string', multiple: true }, help: { type: 'boolean' } }, strict: true });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  union = values.union;
  portal = values.portal ?? false;
  for (const anchor of values.anchor ?? []) {
    const match = /^(\d+):([0-9a-f]{64})$/.exec(anchor);
    if (!match) throw new Error(`--anchor must be <seq>:<64 hex digits>, got ${anchor}`);
    anchors.set(Number(match[1]), match[2]);
  }
} catch (err) {
  fail(`${(err as Error).message}\n\n${usage}`);
}
if (!union) fail(`--union is required\n\n${usage}`);

const db = openDatabase(portal ? portalDatabaseUrl() : process.env.DATABASE_URL || defaultDatabaseUrl());
try {
  const report = await verifyAuditChain(db, union, { anchors });
  console.log(describeChainReport(report));
  if (report.head) console.log(`head: ${report.entries}:${report.head}`);
  process.exitCode = report.broken ? 1 : 0;
} finally {
  await db.destroy();
}
