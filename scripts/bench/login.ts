import crypto from 'node:crypto';
import os from 'node:os';
import { hashPassword } from '../../idp/accounts/password-hasher.js';
import { startBareProvider } from './bare-provider.js';
import type { BenchUser } from './flows.js';
import { createDatabase, databases, machine, QueryTrace, summarize } from './harness.js';
import { idpSecrets, startKenpo } from './kenpo.js';
import { Report } from './report.js';
import {
  baselineSection, grantSection, hashAlone, loginSection, memorySection, phaseSeconds, vcpus, type Figures, type Section,
} from './sections.js';

/**
 * `npm run bench:login`: kenpo-id beside a bare oidc-provider (the library's ceiling), in one run on
 * one machine — full logins (authorize → password → TOTP → code → token) at each BENCH_CONCURRENCY
 * (4,16), the password hash alone, refresh_token and client_credentials grants, database queries per
 * login and per token request, and the resident memory of `node dist/idp/main.js` idle and with
 * 10,000 sessions — on each of BENCH_DATABASES (sqlite,postgres; PostgreSQL at DATABASE_URL or
 * 127.0.0.1:5432). BENCH_SECONDS (5) per phase.
 */
const SECTIONS: Section[] = [loginSection, grantSection, memorySection];
const log = (message: string) => console.log(`[bench] ${message}`);

const report = new Report();
const plain = crypto.randomUUID();
// One password and one hash for every member: a hash per member would only slow the set-up.
const password = { plain, hash: await hashPassword(plain) };
const figures: Figures = { hashRate: 0, bareLogins: new Map() };
let failed = false;
const started = performance.now();
const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
report.notes.push(`load average before: ${load()}`);

try {
  // The hash is measured before and after everything else, so drift in machine speed shows.
  log(`hash alone, ${phaseSeconds / 2} s`);
  const hashBefore = await hashAlone(password, phaseSeconds * 500);
  figures.hashRate = summarize(hashBefore).rate;

  const bareUsers: BenchUser[] = Array.from({ length: 64 }, (_, i) => ({ userId: `bare-${i}`, password: plain, ip: `10.250.0.${i}` }));
  const bare = await startBareProvider(new Map(bareUsers.map((u) => [u.userId, password.hash])));
  try {
    await baselineSection(bare, bareUsers, report, figures);
  } finally {
    await bare.close();
  }

  for (const kind of databases as ('sqlite' | 'postgres')[]) {
    const column = `kenpo-id ${kind}`;
    let database;
    try {
      database = await createDatabase(kind);
    } catch (err) {
      report.notes.push(`${column}: not measured, the database could not be created (${(err as Error).message})`);
      continue;
    }
    const trace = new QueryTrace(database.db);
    const secrets = idpSecrets();
    const kenpo = await startKenpo(database.db, secrets, trace);
    try {
      for (const section of SECTIONS) await section({ column, kind, database, kenpo, secrets, trace, password, report, figures });
    } catch (err) {
      failed = true;
      console.error(`[bench] ${column} FAILED:`, err);
    } finally {
      await kenpo.close();
      await database.drop();
    }
    for (const [query, times] of trace.repeats) report.notes.push(`${column}: repeated ${times}× within a request: ${query}`);
  }

  log(`hash alone, ${phaseSeconds / 2} s`);
  const hashAfter = await hashAlone(password, phaseSeconds * 500);
  const hashes = summarize(hashBefore, hashAfter);
  report.set('password hash alone/s (verifyPassword, argon2id)', 'bare oidc-provider', `${hashes.rate.toFixed(1)} (${hashes.p50.toFixed(0)} / ${hashes.p95.toFixed(0)} ms)`);
  report.notes.push(`hash-bound: ${summarize(hashBefore).rate.toFixed(1)} before, ${summarize(hashAfter).rate.toFixed(1)} after (a large gap means a noisy machine); ratios use the first`);
} catch (err) {
  failed = true;
  console.error('[bench] FAILED:', err);
}
report.notes.push(`load average after: ${load()}`);
report.notes.push(`${machine().map(([k, v]) => `${k}: ${v}`).join('; ')}; ${vcpus} vCPUs; ${phaseSeconds} s per phase; whole run ${((performance.now() - started) / 1000).toFixed(0)} s`);
report.print();
process.exitCode = failed ? 1 : 0;
