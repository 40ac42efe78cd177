import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { isPostgresUrl } from '../../migrations/database.js';
import { createScratchDatabase } from '../../migrations/scratch-database.js';

/** Shared by the benchmarks: settings from the environment, a scratch database, timed concurrent loops. */
export const concurrency = Math.max(1, Number(process.env.BENCH_CONCURRENCY) || 4);
export const seconds = Math.max(1, Number(process.env.BENCH_SECONDS) || 10);

/** A fresh database: SQLite by default, or a new database on the server DATABASE_URL names. */
export async function createDatabase() {
  const adminUrl = process.env.DATABASE_URL;
  const postgres = adminUrl && isPostgresUrl(adminUrl) ? adminUrl : undefined;
  const scratch = await createScratchDatabase('kenpo_bench', postgres);
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

export interface Run { latencies: number[]; elapsed: number; errors: unknown[] }

/** Runs `task(worker)` in `concurrency` loops for `ms`, recording each completion's latency. */
export async function runFor(ms: number, task: (worker: number) => Promise<void>): Promise<Run> {
  const run: Run = { latencies: [], elapsed: 0, errors: [] };
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async (_, worker) => {
    while (performance.now() < start + ms) {
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
  return run;
}

/** Rate and latency percentiles over one or more runs. */
export function summarize(...runs: Run[]) {
  const latencies = runs.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const pct = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  const elapsed = runs.reduce((sum, r) => sum + r.elapsed, 0);
  return { count: latencies.length, rate: latencies.length / elapsed, p50: pct(0.5), p95: pct(0.95), errors: runs.flatMap((r) => r.errors) };
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
