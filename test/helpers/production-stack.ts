/**
 * The two programs as they run in production: `node dist/idp/main.js` and `node dist/portal/main.js`
 * as child processes on loopback TCP ports, configured only by environment (README "Running in
 * production"), on a fresh database. Library guards (oidc-provider's SSRF check, cookies, CSP) behave
 * as they do for users, which in-process stacks (stack.ts) cannot promise.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { ClientMetadata } from 'oidc-provider';
import { adminClient, registerClient, webAppClient, type RegisteredClient } from '../../idp/oidc/client-registry.js';
import { loadIdpConfig } from '../../idp/config.js';
import { ProviderRegistry } from '../../idp/oidc/provider-registry.js';
import { projectRoot } from '../../idp/paths.js';
import { SecretBox } from '../../idp/security/encryption.js';
import { saveUnion } from '../../idp/unions/union-repository.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { startMailCapture, type MailCapture } from './smtp.js';
import type { TestUnion } from './stack.js';

const SOURCE_DIRS = ['idp', 'portal', 'migrations', 'net', 'i18n', 'scripts'];
const ENTRY = { idp: 'dist/idp/main.js', portal: 'dist/portal/main.js' } as const;

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

function builtAt(): number {
  return Math.min(...Object.values(ENTRY).map((f) => {
    try { return fs.statSync(path.join(projectRoot, f)).mtimeMs; } catch { return 0; }
  }));
}

/**
 * Compiles (tsc -p tsconfig.build.json) only when dist is older than the sources; a lock directory
 * keeps parallel jest workers from compiling at once (the second waits, then finds dist fresh).
 */
export async function ensureBuilt(): Promise<void> {
  const stale = () => builtAt() < Math.max(...SOURCE_DIRS.map((d) => newestMtime(path.join(projectRoot, d))));
  if (!stale()) return;
  const lock = path.join(projectRoot, 'dist', '.build-lock');
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  for (const deadline = Date.now() + 180_000; ;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      // A lock older than the deadline is a crashed build's.
      if (Date.now() > deadline || Date.now() - fs.statSync(lock, { throwIfNoEntry: false })!.mtimeMs > 180_000) { fs.rmSync(lock, { recursive: true, force: true }); continue; }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    if (!stale()) return;
    const result = spawnSync(process.execPath, [path.join(projectRoot, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: projectRoot, encoding: 'utf8' });
    // tsc still emits on type errors (someone else's half-done edit): only a missing entry point is fatal.
    if (result.status !== 0) console.warn(`[production-stack] tsc reported errors:\n${result.stdout}${result.stderr}`);
    if (builtAt() === 0) throw new Error(`build failed:\n${result.stdout}${result.stderr}`);
    // Unchanged outputs keep their old mtime; touch the entry points so the next check sees a fresh build.
    const now = new Date();
    for (const f of Object.values(ENTRY)) fs.utimesSync(path.join(projectRoot, f), now, now);
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

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

/** The same shape as the in-process stack's unions. */
export type ProductionUnion = TestUnion;

export interface ProductionStack {
  database: TestDatabase;
  mail: MailCapture;
  idp: ProgramProcess;
  portal: ProgramProcess;
  idpUrl: string;
  portalUrl: string;
  union: ProductionUnion;
  /** Registers another client of the union (e.g. a relying party with its own back-channel URI). */
  registerClient(metadata: ClientMetadata): Promise<RegisteredClient>;
  /** Creates another union in the running IdP (as union:create would) and registers one client of it. */
  addUnion(union: { slug: string; name: string; insurerNumber: string }, policy: Record<string, unknown>, client: ClientMetadata): Promise<{ issuer: string; client: RegisteredClient }>;
  close(): Promise<void>;
}

export interface ProductionStackOptions {
  union?: { slug: string; name: string; insurerNumber: string };
  /** The union's policy (unions.settings), e.g. `{ mfa: { required: false } }`. */
  policy?: Record<string, unknown>;
  /** Extra environment of the IdP (BACKCHANNEL_ALLOWED_HOSTS defaults to the portal's host:port) and of the portal. */
  idpEnv?: Record<string, string>;
  portalEnv?: Record<string, string>;
  /** Extra PORTAL_UNIONS settings of the union (e.g. requiredAcr). */
  portalUnion?: Record<string, unknown>;
  /** false: the portal is configured but not started (tests of the IdP alone, e.g. the conformance suite). */
  startPortal?: boolean;
}

/**
 * Builds if needed, creates a fresh database with one union, its admin client and its portal client
 * (with a back-channel logout URI), then starts both programs. `close()` kills them and drops the database.
 */
export async function startProductionStack(options: ProductionStackOptions = {}): Promise<ProductionStack> {
  await ensureBuilt();
  const database = await createTestDatabase();
  const mail = await startMailCapture();
  const [idpPort, portalPort] = [await freePort(), await freePort()];
  const idpUrl = `http://127.0.0.1:${idpPort}`;
  const portalUrl = `http://127.0.0.1:${portalPort}`;
  const idpEnv: Record<string, string> = {
    IDP_BASE_URL: idpUrl,
    IDP_HOST: '127.0.0.1',
    DATABASE_URL: database.url,
    COOKIE_KEYS: crypto.randomBytes(32).toString('base64url'),
    DATA_ENCRYPTION_KEY: crypto.randomBytes(32).toString('base64'),
    SMTP_URL: mail.url,
    // The portal's back-channel URI is on loopback: allowed explicitly, as the README tells operators.
    BACKCHANNEL_ALLOWED_HOSTS: new URL(portalUrl).host,
    ...options.idpEnv,
  };

  // The operator's steps (union:create, client:create) through the same library functions the CLIs call.
  const u = options.union ?? { slug: 'prod', name: 'プロダクション健康保険組合', insurerNumber: '06139901' };
  await saveUnion(database.db, { ...u, settings: { portalUrl: `${portalUrl}/u/${u.slug}/`, ...options.policy } });
  const config = loadIdpConfig(idpEnv);
  const registry = new ProviderRegistry({ db: database.db, config, box: new SecretBox(config.dataEncryptionKey) });
  const union: ProductionUnion = {
    ...u,
    issuer: registry.issuerUrl(u.slug),
    admin: await registerClient(registry, u.slug, adminClient(`${u.name} admin`)),
    portal: await registerClient(registry, u.slug, webAppClient({
      name: `${u.name} portal`,
      redirectUris: [`${portalUrl}/u/${u.slug}/callback`],
      postLogoutRedirectUris: [`${portalUrl}/u/${u.slug}/logged-out`],
      clientUri: `${portalUrl}/u/${u.slug}/`,
      medical: true,
      backchannelLogoutUri: `${portalUrl}/u/${u.slug}/backchannel-logout`,
    })),
  };

  const idp = new ProgramProcess('idp', idpUrl, idpEnv);
  const portal = new ProgramProcess('portal', portalUrl, {
    PORTAL_BASE_URL: portalUrl,
    PORTAL_HOST: '127.0.0.1',
    DATABASE_URL: database.url,
    PORTAL_SESSION_SECRET: crypto.randomBytes(32).toString('base64url'),
    PORTAL_UNIONS: JSON.stringify([{
      slug: u.slug, name: u.name, issuer: union.issuer, clientId: union.portal.clientId, clientSecret: union.portal.clientSecret, ...options.portalUnion,
    }]),
    ...options.portalEnv,
  });
  try {
    await idp.start();
    if (options.startPortal !== false) await portal.start();
  } catch (err) {
    await Promise.all([idp.kill(), portal.kill()]);
    await mail.close();
    await database.drop();
    throw err;
  }
  return {
    database, mail, idp, portal, idpUrl, portalUrl, union,
    registerClient: (metadata) => registerClient(registry, u.slug, metadata),
    addUnion: async (other, policy, client) => {
      await saveUnion(database.db, { ...other, settings: policy });
      return { issuer: registry.issuerUrl(other.slug), client: await registerClient(registry, other.slug, client) };
    },
    close: async () => {
      await Promise.all([idp.stop(), portal.stop()]);
      await mail.close();
      await database.drop();
    },
  };
}
