/**
 * The two programs as they run in production: `node dist/idp/main.js` and `node dist/portal/main.js`
 * as child processes on loopback TCP ports, configured only by environment (README "Running in
 * production"), on a fresh database. Library guards (oidc-provider's SSRF check, cookies, CSP) behave
 * as they do for users, which in-process stacks (stack.ts) cannot promise.
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ClientMetadata } from 'oidc-provider';
import { adminClient, registerClient, webAppClient, type RegisteredClient } from '../../idp/oidc/client-registry.js';
import { loadIdpConfig } from '../../idp/config.js';
import { ProviderRegistry } from '../../idp/oidc/provider-registry.js';
import { projectRoot } from '../../project/paths.js';
import { SecretBox } from '../../idp/security/encryption.js';
import { saveUnion } from '../../idp/unions/union-repository.js';
import { ENTRY, freePort, ProgramProcess, createIdpCluster, type IdpCluster } from '../../scripts/local-cluster/program-process.js';
import { createPortalTestDatabase, createPostgresTestDatabase, createTestDatabase, type TestDatabase } from './database.js';
import { startMailCapture, type MailCapture } from './smtp.js';
import type { TestUnion } from './stack.js';

const SOURCE_DIRS = ['idp', 'portal', 'migrations', 'net', 'i18n', 'scripts', 'mail', 'audit', 'documents', 'project'];

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

/** The same shape as the in-process stack's unions. */
export type ProductionUnion = TestUnion;

export { freePort, ProgramProcess };

export interface ProductionStack {
  /** The IdP's database. */
  database: TestDatabase;
  /** The portal's own database. */
  portalDatabase: TestDatabase;
  mail: MailCapture;
  /** The first (or only) IdP process. */
  idp: ProgramProcess;
  /** Every IdP process and, with two or more, the round-robin proxy in front of them. */
  idps: IdpCluster;
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
  /** IdP processes on the one database (default 1); two or more sit behind a round-robin TCP proxy whose URL is their issuer base. */
  idpProcesses?: number;
  /** PostgreSQL whatever KENPO_TEST_DB says (several IdP processes need it). */
  postgres?: boolean;
}

/**
 * Builds if needed, creates a fresh database with one union, its admin client and its portal client
 * (with a back-channel logout URI), then starts both programs. `close()` kills them and drops the database.
 */
export async function startProductionStack(options: ProductionStackOptions = {}): Promise<ProductionStack> {
  await ensureBuilt();
  const database = await (options.postgres ? createPostgresTestDatabase() : createTestDatabase());
  const portalDatabase = await createPortalTestDatabase();
  const mail = await startMailCapture();
  const portalUrl = `http://127.0.0.1:${await freePort()}`;
  const idpEnv: Record<string, string> = {
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
  const idps = await createIdpCluster(options.idpProcesses ?? 1, idpEnv);
  const idpUrl = idps.url;
  const config = loadIdpConfig({ ...idpEnv, IDP_BASE_URL: idpUrl });
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

  const portal = new ProgramProcess('portal', portalUrl, {
    PORTAL_BASE_URL: portalUrl,
    PORTAL_HOST: '127.0.0.1',
    PORTAL_DATABASE_URL: portalDatabase.url,
    PORTAL_SESSION_SECRET: crypto.randomBytes(32).toString('base64url'),
    PORTAL_UNIONS: JSON.stringify([{
      slug: u.slug, name: u.name, issuer: union.issuer, insurerNumber: u.insurerNumber, clientId: union.portal.clientId, clientSecret: union.portal.clientSecret, ...options.portalUnion,
    }]),
    ...options.portalEnv,
  });
  try {
    await idps.start();
    if (options.startPortal !== false) await portal.start();
  } catch (err) {
    await Promise.all([idps.stop(), portal.kill()]);
    await mail.close();
    await Promise.all([database.drop(), portalDatabase.drop()]);
    throw err;
  }
  return {
    database, portalDatabase, mail, idp: idps.processes[0], idps, portal, idpUrl, portalUrl, union,
    registerClient: (metadata) => registerClient(registry, u.slug, metadata),
    addUnion: async (other, policy, client) => {
      await saveUnion(database.db, { ...other, settings: policy });
      return { issuer: registry.issuerUrl(other.slug), client: await registerClient(registry, other.slug, client) };
    },
    close: async () => {
      await Promise.all([idps.stop(), portal.stop()]);
      await mail.close();
      await Promise.all([database.drop(), portalDatabase.drop()]);
    },
  };
}
