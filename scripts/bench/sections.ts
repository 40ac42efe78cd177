import os from 'node:os';
import { verifyPassword } from '../../idp/accounts/password-hasher.js';
import type { BareProvider } from './bare-provider.js';
import { clientCredentials, login, refresh, TotpPool, type BenchUser } from './flows.js';
import { concurrencies, runFor, summarize } from './harness.js';
import { createMembers, PASSWORD_UNION, TOTP_UNION, type DatabaseSetup } from './kenpo.js';
import { measureMemory, SESSIONS } from './memory.js';
import { rate, type Report } from './report.js';

/**
 * The sections of `npm run bench:login`. Each adds rows to the report; a section that measures
 * kenpo-id on one database is a `Section` and gets that database's run (login.ts runs each of its
 * SECTIONS for every database: add one there under a name BENCH_SECTIONS can pick).
 */
export const phaseSeconds = Math.max(1, Number(process.env.BENCH_SECONDS) || 5);
export const vcpus = os.availableParallelism();
const grantClients = Math.max(...concurrencies);
const log = (message: string) => console.log(`[bench] ${message}`);

export interface Password { plain: string; hash: string }

/** Figures later rows are computed from. */
/** `hashRate`: measured before the logins (sizes the TOTP pool); `fullLogins`: per column and clients, for the ratios at the end. */
export interface Figures { hashRate: number; bareLogins: Map<number, number>; fullLogins: { column: string; clients: number; rate: number }[] }

export const HASH_RATIO_ROW = (c: number) => `  full logins / hash-bound, ${c} clients`;

export const CPU_ROW = 'CPU ms per login, whole process (client, server, hash)';

export interface DatabaseRun extends DatabaseSetup {
  password: Password;
  report: Report;
  figures: Figures;
}
export type Section = (run: DatabaseRun) => Promise<void>;

const failOn = (name: string, errors: unknown[]) => {
  if (errors.length) throw new Error(`${name}: ${errors.length} client(s) failed, first: ${(errors[0] as Error)?.stack ?? errors[0]}`);
};

/** The hash alone (verifyPassword), with enough clients to fill every core: the bound of a login that hashes once. */
export async function hashAlone(password: Password, ms: number) {
  const run = await runFor(ms, async () => {
    if (!(await verifyPassword(password.plain, password.hash))) throw new Error('verifyPassword returned false');
  }, vcpus * 2);
  failOn('hash', run.errors);
  return run;
}

export const LOGIN_ROW = (c: number) => `full logins/s, ${c} clients (p50 / p95)`;
export const PASSWORD_ROW = (c: number) => `password-only logins/s, ${c} clients`;

/** The bare oidc-provider: password logins, refresh and client-credentials grants (no database: run once). */
export async function baselineSection(bare: BareProvider, users: BenchUser[], report: Report, figures: Figures): Promise<void> {
  const column = 'bare oidc-provider';
  for (const c of concurrencies) {
    log(`bare: password logins, ${c} clients, ${phaseSeconds} s`);
    const logins = summarize(await runFor(phaseSeconds * 1000, (w) => login(bare.login, users[w]), c));
    failOn('bare login', logins.errors);
    figures.bareLogins.set(c, logins.rate);
    report.set(CPU_ROW, column, `${logins.cpuMsPerOp.toFixed(1)} password`);
    report.set(LOGIN_ROW(c), column, `${rate(logins)} password`);
    report.set(PASSWORD_ROW(c), column, rate(logins));
  }
  const refreshTokens = await Promise.all(users.slice(0, grantClients).map(async (u) => (await login(bare.offline, u)).refresh_token!));
  log(`bare: refresh_token grants, ${grantClients} clients`);
  const refreshes = summarize(await runFor(phaseSeconds * 1000, (w) => refresh(bare.offline, refreshTokens[w]), grantClients));
  failOn('bare refresh', refreshes.errors);
  report.set(`refresh_token grants/s, ${grantClients} clients`, column, rate(refreshes));
  log(`bare: client_credentials grants, ${grantClients} clients`);
  const cc = summarize(await runFor(phaseSeconds * 1000, () => clientCredentials(bare.clientCredentials, 'api'), grantClients));
  failOn('bare client_credentials', cc.errors);
  report.set(`client_credentials grants/s, ${grantClients} clients`, column, rate(cc));
}

/** kenpo-id: full logins (password + TOTP) and password-only logins at each concurrency, with queries per login. */
export const loginSection: Section = async ({ column, database, kenpo, trace, password, report, figures }) => {
  const box = kenpo.idp.registry.deps.box;
  const users = await createMembers(database.db, box, PASSWORD_UNION, grantClients, password, false);
  // A code is taken once per device and 30-s step and each login hashes once, so the hash rate times
  // 30 s (and headroom) is how many members never need a second code in one step.
  const totpCount = Math.min(5000, Math.ceil(figures.hashRate * 30 * 1.25) + grantClients);
  log(`${column}: creating ${totpCount} password+TOTP members`);
  const pool = new TotpPool(await createMembers(database.db, box, TOTP_UNION, totpCount, password, true));
  await login(kenpo.passwordOnly, users[0]); // the first login makes the union's provider and keys
  await login(kenpo.withTotp, await pool.take());
  trace.verbose = process.env.BENCH_TRACE === '1';
  await login(kenpo.passwordOnly, users[0]);
  await login(kenpo.withTotp, await pool.take());
  trace.verbose = false;

  for (const c of concurrencies) {
    log(`${column}: password+TOTP logins, ${c} clients, ${phaseSeconds} s`);
    let before = trace.total;
    const full = summarize(await runFor(phaseSeconds * 1000, async () => login(kenpo.withTotp, await pool.take()), c));
    failOn('password+TOTP login', full.errors);
    const fullQueries = (trace.total - before) / full.count;
    const perVcpu = full.rate / vcpus;
    report.check(LOGIN_ROW(c), column, `${rate(full)}, ${perVcpu.toFixed(1)}/vCPU`, perVcpu >= 30);
    report.target(LOGIN_ROW(c), '≥ 30/s per vCPU');
    figures.fullLogins.push({ column, clients: c, rate: full.rate });
    const bare = figures.bareLogins.get(c);
    if (bare) report.set(`  full logins / bare logins, ${c} clients`, column, (full.rate / bare).toFixed(2));
    report.set('queries per full login', column, fullQueries.toFixed(1));
    report.set(CPU_ROW, column, `${full.cpuMsPerOp.toFixed(1)} full`);
    if (pool.waits) report.notes.push(`${column}: ${pool.waits} TOTP logins waited for the next 30-s step (too few members: rate understated)`);

    log(`${column}: password-only logins, ${c} clients, ${phaseSeconds} s`);
    before = trace.total;
    const logins = summarize(await runFor(phaseSeconds * 1000, (w) => login(kenpo.passwordOnly, users[w]), c));
    failOn('password login', logins.errors);
    report.set(PASSWORD_ROW(c), column, rate(logins));
    report.set('queries per password-only login', column, ((trace.total - before) / logins.count).toFixed(1));
    report.set(`${CPU_ROW}, password only`, column, logins.cpuMsPerOp.toFixed(1));
  }
};

/** kenpo-id: refresh_token and client_credentials grants per second, with queries per token request. */
export const grantSection: Section = async ({ column, database, kenpo, trace, password, report }) => {
  const users = await createMembers(database.db, kenpo.idp.registry.deps.box, PASSWORD_UNION, grantClients, password, false);
  const refreshTokens = await Promise.all(users.map(async (u) => (await login(kenpo.offline, u)).refresh_token!));
  log(`${column}: refresh_token grants, ${grantClients} clients`);
  let before = trace.total;
  const refreshes = summarize(await runFor(phaseSeconds * 1000, (w) => refresh(kenpo.offline, refreshTokens[w]), grantClients));
  failOn('refresh_token', refreshes.errors);
  report.set(`refresh_token grants/s, ${grantClients} clients`, column, rate(refreshes));
  report.set('queries per refresh_token request', column, ((trace.total - before) / refreshes.count).toFixed(1));

  log(`${column}: client_credentials grants, ${grantClients} clients`);
  await clientCredentials(kenpo.admin, 'admin');
  before = trace.total;
  const cc = summarize(await runFor(phaseSeconds * 1000, () => clientCredentials(kenpo.admin, 'admin'), grantClients));
  failOn('client_credentials', cc.errors);
  const row = `client_credentials grants/s, ${grantClients} clients`;
  report.check(row, column, `${rate(cc)}, ${(cc.rate / vcpus).toFixed(0)}/vCPU`, cc.rate / vcpus >= 1000);
  report.target(row, '≥ 1,000/s per vCPU');
  report.set('queries per client_credentials request', column, ((trace.total - before) / cc.count).toFixed(1));
};

/** kenpo-id as deployed (dist/idp/main.js, a process of its own): resident memory idle and with 10,000 live sessions. */
export const memorySection: Section = async ({ column, database, kenpo, secrets, password, report }) => {
  const users = await createMembers(database.db, kenpo.idp.registry.deps.box, PASSWORD_UNION, 1000, password, false);
  log(`${column}: IdP process, ${SESSIONS.toLocaleString('en')} sessions`);
  const memory = await measureMemory(database.db, database.url, secrets, kenpo.passwordOnly.client, users, grantClients);
  report.set('IdP process RSS idle (MiB)', column, memory.idleMiB.toFixed(0));
  report.set(`  after ${(memory.sessions / 2).toLocaleString('en')} sessions (MiB)`, column, memory.halfMiB.toFixed(0));
  const row = `IdP process RSS with ${memory.sessions.toLocaleString('en')} sessions (MiB)`;
  report.check(row, column, memory.sessionsMiB.toFixed(0), memory.sessionsMiB <= 200);
  report.target(row, '≤ 200 MB');
  report.set('  prompt=none sign-ins/s while filling', column, memory.signInsPerSecond.toFixed(0));
};
