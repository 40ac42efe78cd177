import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureAccount, setLoginCredentials, updateAccount } from '../../idp/accounts/account-repository.js';
import { hashPassword } from '../../idp/accounts/password-hasher.js';
import { loadIdpConfig } from '../../idp/config.js';
import { upsertMembers } from '../../idp/members/member-repository.js';
import { adminClient, registerClient, webAppClient, type RegisteredClient } from '../../idp/oidc/client-registry.js';
import { ProviderRegistry } from '../../idp/oidc/provider-registry.js';
import { SecretBox } from '../../idp/security/encryption.js';
import { DEFAULT_POLICY } from '../../idp/unions/policy.js';
import { saveUnion } from '../../idp/unions/union-repository.js';
import { isPostgresUrl } from '../../migrations/database.js';
import { idpMigrations } from '../../migrations/idp/index.js';
import { createScratchDatabase } from '../../migrations/scratch-database.js';
import { createIdpCluster } from '../local-cluster/program-process.js';
import { concurrency as defaultConcurrency, machine, printTable, runFor, seconds as defaultSeconds, summarize } from './harness.js';

/**
 * `npm run bench:two-process`: the production IdP (`node dist/idp/main.js`) as one process, then as
 * two processes behind a round-robin TCP proxy, on a fresh PostgreSQL database each: full password
 * logins/s (authorize → login page → password → code → token) and client-credentials tokens/s.
 * Every request opens a new connection, so the proxy spreads them (and one process pays the same).
 * DATABASE_URL names the PostgreSQL server (default the tests' local one); BENCH_CONCURRENCY, BENCH_SECONDS.
 */
const REDIRECT_URI = 'http://127.0.0.1:9/cb'; // never fetched: the flow stops when redirected here
const UNION = {
  slug: 'bench-scale', name: 'スケールアウト計測健康保険組合', insurerNumber: '06130101',
  // Password only; every client shares one address, so the per-address budget is raised (as in bench:login).
  settings: { mfa: { ...DEFAULT_POLICY.mfa, required: false }, loginThrottle: { ...DEFAULT_POLICY.loginThrottle, perAddress: { max: 10_000_000, windowMs: 60_000 } } },
};
const MEMBERS = 50;
const PASSWORD = crypto.randomUUID();

export interface ScaleOutFigures {
  processes: number;
  logins: ReturnType<typeof summarize>;
  tokens: ReturnType<typeof summarize>;
  /** Connections each process was handed (two or more processes). */
  spread?: number[];
}

/** One request on a new connection, with the cookies of a one-union browser (name → value is enough). */
async function send(jar: Map<string, string>, url: URL, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('connection', 'close');
  if (jar.size) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
  const response = await fetch(url, { ...init, headers, redirect: 'manual' });
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const [name, value] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
    if (value) jar.set(name, value);
    else jar.delete(name);
  }
  return response;
}

/** Follows redirects from `url` until a page (its HTML and URL) or the client's redirect URI. */
async function follow(jar: Map<string, string>, url: URL, init?: RequestInit): Promise<{ url: URL; html?: string; callback?: URL }> {
  let response = await send(jar, url, init);
  for (let hops = 0; hops < 10; hops += 1) {
    const location = response.headers.get('location');
    if (!location || response.status < 300 || response.status >= 400) {
      if (response.status !== 200) throw new Error(`${response.status} at ${url.pathname}`);
      return { url, html: await response.text() };
    }
    await response.body?.cancel();
    if (location.startsWith(REDIRECT_URI)) return { url, callback: new URL(location) };
    url = new URL(location, url);
    response = await send(jar, url);
  }
  throw new Error(`too many redirects, last at ${url.pathname}`);
}

const basic = (c: RegisteredClient) => `Basic ${Buffer.from(`${c.clientId}:${c.clientSecret}`).toString('base64')}`;

/** A fresh browser's whole password login; resolves once the token endpoint gave an ID token. */
async function passwordLogin(issuer: string, client: RegisteredClient, userId: string): Promise<void> {
  const jar = new Map<string, string>();
  const verifier = crypto.randomBytes(32).toString('base64url');
  const auth = new URL(`${issuer}/auth`);
  auth.search = new URLSearchParams({
    client_id: client.clientId, redirect_uri: REDIRECT_URI, response_type: 'code', scope: 'openid', state: 's', nonce: 'n',
    code_challenge: crypto.createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
  }).toString();
  const login = await follow(jar, auth);
  const csrf = /name="csrf" value="([^"]+)"/.exec(login.html ?? '')?.[1];
  const action = /<form method="post" action="([^"]+\/login)"/.exec(login.html ?? '')?.[1];
  if (!csrf || !action) throw new Error(`no login form at ${login.url.pathname}`);
  const done = await follow(jar, new URL(action, login.url), { method: 'POST', body: new URLSearchParams({ csrf, loginId: userId, password: PASSWORD }) });
  const code = done.callback?.searchParams.get('code');
  if (!code) throw new Error(`no code: ended at ${done.url.pathname}`);
  const response = await send(jar, new URL(`${issuer}/token`), {
    method: 'POST', headers: { authorization: basic(client) },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier }),
  });
  if (!((await response.json()) as { id_token?: string }).id_token) throw new Error(`token endpoint answered ${response.status}`);
}

async function clientCredentials(issuer: string, client: RegisteredClient): Promise<void> {
  const response = await send(new Map(), new URL(`${issuer}/token`), {
    method: 'POST', headers: { authorization: basic(client) }, body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'admin' }),
  });
  if (!((await response.json()) as { access_token?: string }).access_token) throw new Error(`token endpoint answered ${response.status}`);
}

/** `processes` IdP processes on a fresh PostgreSQL database: logins/s and client-credentials tokens/s. */
export async function measureIdpProcesses(options: { postgresAdminUrl: string; processes: number; concurrency: number; seconds: number }): Promise<ScaleOutFigures> {
  const database = await createScratchDatabase('kenpo_bench', idpMigrations, options.postgresAdminUrl);
  const mailDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kenpo-bench-mail-'));
  const env = {
    DATABASE_URL: database.url, MAIL_DIR: mailDir,
    COOKIE_KEYS: crypto.randomBytes(32).toString('base64url'), DATA_ENCRYPTION_KEY: crypto.randomBytes(32).toString('base64'),
  };
  const cluster = await createIdpCluster(options.processes, env);
  try {
    // The operator's set-up through the library functions the CLIs call: union, clients, onboarded members.
    const config = loadIdpConfig({ ...env, IDP_BASE_URL: cluster.url });
    const registry = new ProviderRegistry({ db: database.db, config, box: new SecretBox(config.dataEncryptionKey) });
    await saveUnion(database.db, UNION);
    const rp = await registerClient(registry, UNION.slug, webAppClient({ name: 'bench RP', redirectUris: [REDIRECT_URI], postLogoutRedirectUris: [] }));
    const machineClient = await registerClient(registry, UNION.slug, adminClient('bench admin'));
    const passwordHash = await hashPassword(PASSWORD);
    const members = await upsertMembers(database.db, UNION.slug, Array.from({ length: MEMBERS }, (_, i) => ({
      insurerNumber: UNION.insurerNumber, kigo: '901', bango: String(10000 + i), edaban: '00',
      nameKanji: '計測 花子', nameKana: 'ケイソク ハナコ', birthdate: '1981-02-03', relation: '本人' as const,
    })));
    for (const [i, member] of members.entries()) {
      const account = await ensureAccount(database.db, UNION.slug, member.id);
      await setLoginCredentials(database.db, account.id, { userId: `scale-${i}`, passwordHash });
      await updateAccount(database.db, account.id, { email: `scale-${i}@example.jp`, emailVerified: true, birthdateVerified: true, firstLoginCompleted: true });
    }
    await cluster.start();

    const issuer = registry.issuerUrl(UNION.slug);
    // Warm-up (provider instances, discovery, JIT) on every process, outside the figures.
    for (let i = 0; i < 2 * options.processes; i += 1) {
      await passwordLogin(issuer, rp, `scale-${i % MEMBERS}`);
      await clientCredentials(issuer, machineClient);
    }
    const before = [...(cluster.proxy?.connections ?? [])];
    const ms = options.seconds * 1000;
    const nth = Array.from({ length: options.concurrency }, () => 0); // each client walks its own members
    const logins = summarize(await runFor(ms, (w) => passwordLogin(issuer, rp, `scale-${(w * 7919 + nth[w]++) % MEMBERS}`), options.concurrency));
    const tokens = summarize(await runFor(ms, () => clientCredentials(issuer, machineClient), options.concurrency));
    const spread = cluster.proxy?.connections.map((n, i) => n - before[i]);
    return { processes: options.processes, logins, tokens, spread };
  } finally {
    await cluster.stop();
    await database.drop();
    fs.rmSync(mailDir, { recursive: true, force: true });
  }
}

/**
 * The scale-out section of the login benchmark: one process, then two behind the proxy, each on
 * its own fresh database; prints both side by side and returns them.
 */
export async function benchTwoProcesses(options: { postgresAdminUrl: string; concurrency: number; seconds: number }): Promise<ScaleOutFigures[]> {
  const log = (message: string) => console.log(`[bench:two-process] ${message}`);
  const figures: ScaleOutFigures[] = [];
  for (const processes of [1, 2]) {
    log(`${processes} IdP process${processes > 1 ? 'es behind a round-robin TCP proxy' : ''}: ${options.concurrency} clients, ${options.seconds} s per phase`);
    figures.push(await measureIdpProcesses({ ...options, processes }));
  }
  const rate = (s: ReturnType<typeof summarize>) => `${s.rate.toFixed(1)}/s (p50 ${s.p50.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms)${s.errors.length ? `, ${s.errors.length} failed: ${String(s.errors[0])}` : ''}`;
  printTable([
    ...machine(),
    ['database', 'PostgreSQL, a fresh database per run'],
    ...figures.flatMap((f): [string, string][] => [
      [`${f.processes} process${f.processes > 1 ? 'es' : ''}: password logins`, rate(f.logins)],
      [`${f.processes} process${f.processes > 1 ? 'es' : ''}: client-credentials tokens`, rate(f.tokens)],
      ...(f.spread ? [[`${f.processes} processes: connections per process`, f.spread.join(' / ')] as [string, string]] : []),
    ]),
    ['two processes ÷ one (logins, tokens)', `${(figures[1].logins.rate / figures[0].logins.rate).toFixed(2)}, ${(figures[1].tokens.rate / figures[0].tokens.rate).toFixed(2)}`],
  ]);
  return figures;
}

// Run alone (`npm run bench:two-process`); bench:login imports benchTwoProcesses instead.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const postgresAdminUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  if (!isPostgresUrl(postgresAdminUrl)) {
    console.error('DATABASE_URL must name a PostgreSQL server (postgres://…): several IdP processes share only PostgreSQL');
    process.exit(2);
  }
  const figures = await benchTwoProcesses({
    postgresAdminUrl,
    concurrency: defaultConcurrency, seconds: defaultSeconds,
  });
  process.exit(figures.some((f) => f.logins.errors.length || f.tokens.errors.length) ? 1 : 0);
}
