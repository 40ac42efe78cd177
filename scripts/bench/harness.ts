import { AsyncLocalStorage } from 'node:async_hooks';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { isPostgresUrl, type MigrationSet } from '../../migrations/database.js';
import { idpMigrations } from '../../migrations/idp/index.js';
import { createScratchDatabase } from '../../migrations/scratch-database.js';

/** Shared by the benchmarks: settings from the environment, a scratch database, timed concurrent loops. */
/** BENCH_CONCURRENCY: one number, or a list (`bench:login` measures logins at each; default 4,16). */
export const concurrencies = (process.env.BENCH_CONCURRENCY ?? '4,16').split(',').map((n) => Math.max(1, Number(n) || 4));
export const concurrency = concurrencies[0];
export const seconds = Math.max(1, Number(process.env.BENCH_SECONDS) || 10);
/** The databases to benchmark in one run (`bench:login`): BENCH_DATABASES=sqlite,postgres. */
export const databases = (process.env.BENCH_DATABASES ?? 'sqlite,postgres').split(',').map((d) => d.trim()).filter(Boolean);

/** PostgreSQL server the benchmarks create their databases on: DATABASE_URL when it names one. */
export const postgresAdminUrl = () => {
  const url = process.env.DATABASE_URL;
  return url && isPostgresUrl(url) ? url : 'postgres://postgres@127.0.0.1:5432/postgres';
};

/** A fresh database: SQLite by default, or a new database on the server DATABASE_URL names. */
export async function createDatabase(
  kind: 'sqlite' | 'postgres' = process.env.DATABASE_URL && isPostgresUrl(process.env.DATABASE_URL) ? 'postgres' : 'sqlite',
  migrations: MigrationSet = idpMigrations,
) {
  const postgres = kind === 'postgres' ? postgresAdminUrl() : undefined;
  const scratch = await createScratchDatabase('kenpo_bench', migrations, postgres);
  return { ...scratch, kind: postgres ? `postgres (${new URL(scratch.url).host}${new URL(scratch.url).pathname})` : 'sqlite (temp file)' };
}

/** Listen first so an app can be configured knowing its own URL. */
export async function listenOnFreePort(): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

export async function closeServer(server: http.Server): Promise<void> {
  server.closeAllConnections(); // fetch keeps connections alive; close() alone would wait for them
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** `cpuMs`: CPU time of the whole process meanwhile (every thread: server, client, hashing). */
export interface Run { latencies: number[]; elapsed: number; errors: unknown[]; cpuMs: number }

/** Runs `task(worker)` in `clients` concurrent loops for `ms` (or until `done`), recording each completion's latency. */
export async function runFor(ms: number, task: (worker: number) => Promise<unknown>, clients = concurrency, done?: () => boolean): Promise<Run> {
  const run: Run = { latencies: [], elapsed: 0, errors: [], cpuMs: 0 };
  const start = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(Array.from({ length: clients }, async (_, worker) => {
    while (performance.now() < start + ms && !done?.()) {
      const t0 = performance.now();
      try {
        await task(worker);
        run.latencies.push(performance.now() - t0);
      } catch (err) {
        run.errors.push(err);
        return; // a broken flow fails fast and identically; one error per worker is enough
      }
    }
  }));
  run.elapsed = (performance.now() - start) / 1000; // includes the tail of in-flight tasks, as they count
  const used = process.cpuUsage(cpu);
  run.cpuMs = (used.user + used.system) / 1000;
  return run;
}

/** Rate and latency percentiles over one or more runs. */
export function summarize(...runs: Run[]) {
  const latencies = runs.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const pct = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  const elapsed = runs.reduce((sum, r) => sum + r.elapsed, 0);
  const cpuMs = runs.reduce((sum, r) => sum + r.cpuMs, 0);
  return {
    count: latencies.length, rate: latencies.length / elapsed, p50: pct(0.5), p95: pct(0.95), errors: runs.flatMap((r) => r.errors),
    cpuMsPerOp: cpuMs / Math.max(1, latencies.length),
  };
}

/** The machine, for the report. */
export const machine = (): [string, string][] => [
  ['node / CPUs', `${process.version} / ${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? '?'}`],
  ['UV_THREADPOOL_SIZE', process.env.UV_THREADPOOL_SIZE ?? '4 (default)'],
];

/** Prints `rows` as an aligned two-column table. */
export function printTable(rows: [string, string][]): void {
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`\n${rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n')}\n`);
}

/**
 * Counts the database queries (knex 'query' events) and, per HTTP request, notices a read sent
 * twice with the same SQL and bindings: a request should ask the database each thing once.
 */
export class QueryTrace {
  total = 0;
  /** Print every query with its request (BENCH_TRACE=1 turns it on for the warm-up logins). */
  verbose = false;
  /** "METHOD /path → SQL" of each repeat seen, with how often. */
  readonly repeats = new Map<string, number>();
  private readonly request = new AsyncLocalStorage<{ label: string; seen: Set<string> }>();

  constructor(db: { on(event: 'query', listener: (q: { sql: string; bindings?: unknown[] }) => void): unknown }) {
    db.on('query', ({ sql, bindings }) => {
      this.total += 1;
      const store = this.request.getStore();
      if (this.verbose) console.log(`[query] ${store?.label ?? '(outside a request)'} → ${sql}`);
      // Reads only: a write done twice (two audit entries, two transactions) is two things, not one asked twice.
      if (!store || !/^\s*select\b/i.test(sql)) return;
      const key = `${sql} ${JSON.stringify(bindings ?? [])}`;
      if (store.seen.has(key)) {
        // Bindings that are ids would make each repeat a line of its own; short ones (a model name) tell repeats apart.
        const shown = (bindings ?? []).map((b) => (typeof b === 'string' && b.length > 20 ? '…' : b));
        const label = `${store.label} → ${sql} ${JSON.stringify(shown)}`;
        this.repeats.set(label, (this.repeats.get(label) ?? 0) + 1);
      }
      store.seen.add(key);
    });
  }

  /** Wraps a request listener so each request's queries are told apart. */
  wrap(listener: http.RequestListener): http.RequestListener {
    return (req, res) => {
      // Ids in paths (interaction uids) would make every request a label of its own.
      const path = (req.url ?? '').split('?')[0].replace(/\/[A-Za-z0-9_-]{16,}/g, '/:id');
      this.request.run({ label: `${req.method} ${path}`, seen: new Set() }, () => listener(req, res));
    };
  }
}
