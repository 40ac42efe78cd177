import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { projectRoot } from '../../project/paths.js';
import { startRoundRobinProxy, type RoundRobinProxy } from './round-robin-proxy.js';

/** The production entry points, as `npm run start:idp` and `start:portal` run them (after a build). */
export const ENTRY = { idp: 'dist/idp/main.js', portal: 'dist/portal/main.js' } as const;

/** A free loopback port (closed again before the program takes it). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** One production program as a child process; start/stop/kill it as often as a test needs. */
export class ProgramProcess {
  private child?: ChildProcess;
  private log: string[] = [];

  /** `url` is where the program itself listens (its /healthz), which a proxy may front. */
  constructor(readonly name: 'idp' | 'portal', readonly url: string, readonly env: Record<string, string>) {}

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Everything the program printed so far (stdout and stderr). */
  output(): string {
    return this.log.join('');
  }

  /** Spawns the entry point and waits until /healthz answers 200. */
  async start(timeoutMs = 30_000): Promise<void> {
    if (this.running) return;
    const child = spawn(process.execPath, [path.join(projectRoot, ENTRY[this.name])], {
      cwd: projectRoot, env: { PATH: process.env.PATH ?? '', ...this.env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const keep = (chunk: Buffer) => {
      this.log.push(chunk.toString());
      if (process.env.PRODUCTION_STACK_LOG) process.stderr.write(`[${this.name}] ${chunk}`);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    for (const deadline = Date.now() + timeoutMs; ;) {
      if (!this.running) throw new Error(`${this.name} exited during start-up (${child.exitCode ?? child.signalCode}):\n${this.output()}`);
      try {
        if ((await fetch(`${this.url}/healthz`)).status === 200) return;
      } catch { /* not listening yet */ }
      if (Date.now() > deadline) throw new Error(`${this.name} did not answer /healthz within ${timeoutMs} ms:\n${this.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Sends the signal (SIGTERM by default; SIGKILL is a crash) and waits for the exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }

  kill(): Promise<void> {
    return this.stop('SIGKILL');
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }
}

export interface IdpCluster {
  /** The public origin (IDP_BASE_URL) of every process: the proxy's, or the only process's own. */
  url: string;
  processes: ProgramProcess[];
  /** The round-robin TCP proxy in front of two or more processes. */
  proxy?: RoundRobinProxy;
  /** Starts every process at the same moment and waits until all answer /healthz. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * `count` IdP processes (`node dist/idp/main.js`) on one database, not started yet; with more than
 * one, behind a round-robin TCP proxy (already listening) whose URL is every process's IDP_BASE_URL,
 * so they are one issuer. `env` is the rest of their environment (DATABASE_URL, keys, SMTP …).
 */
export async function createIdpCluster(count: number, env: Record<string, string>): Promise<IdpCluster> {
  const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
  const proxy = count > 1 ? await startRoundRobinProxy(ports.map((port) => ({ host: '127.0.0.1', port }))) : undefined;
  const url = proxy?.url ?? `http://127.0.0.1:${ports[0]}`;
  const processes = ports.map((port) => new ProgramProcess('idp', `http://127.0.0.1:${port}`, {
    IDP_BASE_URL: url, IDP_PORT: String(port), IDP_HOST: '127.0.0.1', ...env,
  }));
  const stop = async (signal?: NodeJS.Signals) => {
    await Promise.all(processes.map((p) => p.stop(signal)));
    await proxy?.close();
  };
  return {
    url, processes, proxy,
    start: async () => {
      try {
        await Promise.all(processes.map((p) => p.start()));
      } catch (err) {
        await stop('SIGKILL');
        throw err;
      }
    },
    stop: () => stop(),
  };
}
