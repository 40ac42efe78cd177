import crypto from 'node:crypto';
import os from 'node:os';
import { hashPassword } from '../../idp/accounts/password-hasher.js';
import { startBareProvider } from './bare-provider.js';
import type { BenchUser } from './flows.js';
import { concurrencies, concurrency, databases, machine, postgresAdminUrl, summarize } from './harness.js';
import { forEachDatabase } from './kenpo.js';
import { Report } from './report.js';
import { benchTwoProcesses } from './two-process.js';
import {
  baselineSection, CPU_ROW, grantSection, HASH_RATIO_ROW, hashAlone, LOGIN_ROW, loginSection, memorySection, PASSWORD_ROW, phaseSeconds, vcpus,
  type Figures, type Section,
} from './sections.js';

/**
 * `npm run bench:login`: kenpo-id beside a bare oidc-provider (the library's ceiling), in one run on
 * one machine — full logins (authorize → password → TOTP → code → token) at each BENCH_CONCURRENCY
 * (4,16), the password hash alone, refresh_token and client_credentials grants, database queries per
 * login and per token request, and the resident memory of `node dist/idp/main.js` idle and with
 * 10,000 sessions — on each of BENCH_DATABASES (sqlite,postgres; PostgreSQL at DATABASE_URL or
 * 127.0.0.1:5432) — and, on PostgreSQL, one IdP process against two behind a round-robin proxy.
 * BENCH_SECONDS (5) per phase; BENCH_SECTIONS (login,grants,memory,two-process) picks sections.
 */
const SECTIONS: Record<string, Section> = { login: loginSection, grants: grantSection, memory: memorySection };
// BENCH_SECTIONS=memory (say) runs only those; the baseline runs with login or grants.
const chosen = (process.env.BENCH_SECTIONS ?? [...Object.keys(SECTIONS), 'two-process'].join(',')).split(',').map((s) => s.trim());
const sections = Object.entries(SECTIONS).filter(([name]) => chosen.includes(name)).map(([, section]) => section);
const log = (message: string) => console.log(`[bench] ${message}`);

const report = new Report();
const HASH_ROW = 'password hash alone/s (verifyPassword, argon2id)';
report.declare(
  HASH_ROW,
  ...concurrencies.flatMap((c) => [LOGIN_ROW(c), HASH_RATIO_ROW(c), `  full logins / bare logins, ${c} clients`, PASSWORD_ROW(c)]),
  CPU_ROW, `${CPU_ROW}, password only`, 'queries per full login', 'queries per password-only login',
);
const plain = crypto.randomUUID();
// One password and one hash for every member: a hash per member would only slow the set-up.
const password = { plain, hash: await hashPassword(plain) };
const figures: Figures = { hashRate: 0, bareLogins: new Map(), fullLogins: [] };
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
    if (chosen.includes('login') || chosen.includes('grants')) await baselineSection(bare, bareUsers, report, figures);
  } finally {
    await bare.close();
  }

  const ok = await forEachDatabase(report, async (setup) => {
    for (const section of sections) await section({ ...setup, password, report, figures });
  });
  failed ||= !ok;

  log(`hash alone, ${phaseSeconds / 2} s`);
  const hashAfter = await hashAlone(password, phaseSeconds * 500);
  const hashes = summarize(hashBefore, hashAfter);
  report.everywhere(HASH_ROW, `${hashes.rate.toFixed(1)} (${hashes.p50.toFixed(0)} / ${hashes.p95.toFixed(0)} ms), ${hashes.cpuMsPerOp.toFixed(1)} CPU ms each`);
  for (const { column, clients, rate } of figures.fullLogins) {
    report.check(HASH_RATIO_ROW(clients), column, (rate / hashes.rate).toFixed(2), rate / hashes.rate >= 0.85);
    report.target(HASH_RATIO_ROW(clients), '≥ 0.85');
  }
  report.notes.push(`hash-bound: ${summarize(hashBefore).rate.toFixed(1)} before, ${summarize(hashAfter).rate.toFixed(1)} after (a large gap means a noisy machine); ratios use both together`);
} catch (err) {
  failed = true;
  console.error('[bench] FAILED:', err);
}
report.notes.push(`load average after: ${load()}`);
report.notes.push(`${machine().map(([k, v]) => `${k}: ${v}`).join('; ')}; ${vcpus} vCPUs; ${phaseSeconds} s per phase; whole run ${((performance.now() - started) / 1000).toFixed(0)} s`);
report.print();

// Scale-out: its own table (one process beside two), on PostgreSQL only.
if (chosen.includes('two-process') && databases.includes('postgres')) {
  try {
    const scaleOut = await benchTwoProcesses({ postgresAdminUrl: postgresAdminUrl(), concurrency, seconds: phaseSeconds });
    failed ||= scaleOut.some((f) => f.logins.errors.length || f.tokens.errors.length);
  } catch (err) {
    failed = true;
    console.error('[bench] two processes FAILED:', err);
  }
}
process.exitCode = failed ? 1 : 0;
