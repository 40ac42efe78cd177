import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { ensureAccount, setLoginCredentials } from '../../idp/accounts/account-repository.js';
import { hashPassword, verifyPassword } from '../../idp/accounts/password-hasher.js';
import { createIdp } from '../../idp/app.js';
import { loadIdpConfig } from '../../idp/config.js';
import { upsertMembers } from '../../idp/members/member-repository.js';
import { registerClient, webAppClient, type RegisteredClient } from '../../idp/oidc/client-registry.js';
import { saveUnion } from '../../idp/unions/union-repository.js';
import { isPostgresUrl } from '../../migrations/database.js';
import { createScratchDatabase } from '../../migrations/scratch-database.js';

/**
 * `npm run bench:login`: full password logins per second through the authorization code flow
 * (browser-like client → IdP → token endpoint) against the raw rate of the password hash alone,
 * to show how much of a login's cost is scrypt. BENCH_CONCURRENCY (4), BENCH_SECONDS (10);
 * DATABASE_URL=postgres://… benchmarks on a fresh PostgreSQL database instead of SQLite.
 */
const concurrency = Math.max(1, Number(process.env.BENCH_CONCURRENCY) || 4);
const seconds = Math.max(1, Number(process.env.BENCH_SECONDS) || 10);
const UNION = { slug: 'bench', name: 'ベンチマーク健康保険組合', insurerNumber: '06130099' };
const REDIRECT_URI = 'http://127.0.0.1:9/cb'; // never fetched: the flow stops when redirected here
const log = (message: string) => console.log(`[bench] ${message}`);

/** A fresh database: SQLite by default, or a new database on the server DATABASE_URL names. */
async function createDatabase() {
  const adminUrl = process.env.DATABASE_URL;
  const postgres = adminUrl && isPostgresUrl(adminUrl) ? adminUrl : undefined;
  const scratch = await createScratchDatabase('kenpo_bench', postgres);
  return { ...scratch, kind: postgres ? `postgres (${new URL(scratch.url).host}${new URL(scratch.url).pathname})` : 'sqlite (temp file)' };
}

/** Listen first so the IdP can be configured knowing its own URL. */
async function listenOnFreePort(): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Just enough of a browser cookie jar: name/value per path, sent on path-prefix match, expired ones dropped. */
class CookieJar {
  private readonly cookies = new Map<string, { name: string; value: string; path: string }>();

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';').map((s) => s.trim());
      const [name, value] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
      const attr = (key: string) => attrs.find((a) => a.toLowerCase().startsWith(`${key}=`))?.slice(key.length + 1);
      const [cookiePath, expires] = [attr('path') ?? '/', attr('expires')];
      const key = `${name};${cookiePath}`; // oidc-provider clears cookies with an empty value and a past date
      if (value === '' || attr('max-age') === '0' || (expires && Date.parse(expires) <= Date.now())) this.cookies.delete(key);
      else this.cookies.set(key, { name, value, path: cookiePath });
    }
  }

  header({ pathname: p }: URL): string {
    return [...this.cookies.values()]
      .filter((c) => p === c.path || p.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
      .sort((a, b) => b.path.length - a.path.length) // longer paths first, as browsers do
      .map((c) => `${c.name}=${c.value}`).join('; ');
  }
}

/** One request with our cookies; redirects are the caller's business. */
async function send(jar: CookieJar, url: URL, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const cookie = jar.header(url);
  if (cookie) headers.set('cookie', cookie);
  const response = await fetch(url, { ...init, headers, redirect: 'manual' });
  jar.store(response);
  return response;
}

/** Follows redirects until a page (returned as HTML) or the client's redirect_uri (returned as its URL). */
async function follow(jar: CookieJar, first: Response, from: URL): Promise<{ html?: string; callback?: URL; url: URL }> {
  let response = first;
  let url = from;
  for (let hops = 0; hops < 10; hops += 1) {
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || !location) {
      const html = await response.text();
      const text = () => html.replace(/<(style|script)[^]*?<\/\1>|<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 300);
      if (response.status !== 200) throw new Error(`${response.status} at ${url.pathname}: ${text()}`);
      return { html, url };
    }
    await response.body?.cancel(); // free the connection for reuse
    if (location.startsWith(REDIRECT_URI)) return { callback: new URL(location), url };
    url = new URL(location, url);
    response = await send(jar, url);
  }
  throw new Error(`too many redirects, last at ${url.pathname}`);
}

/** One complete login from an empty cookie jar; resolves once the token endpoint returned an ID token. */
async function login(issuer: string, client: RegisteredClient, user: { userId: string; password: string }): Promise<void> {
  const jar = new CookieJar();
  const [verifier, state, nonce] = [32, 8, 8].map((n) => crypto.randomBytes(n).toString('base64url'));
  const authUrl = new URL(`${issuer}/auth`);
  authUrl.search = new URLSearchParams({
    client_id: client.clientId, redirect_uri: REDIRECT_URI, response_type: 'code', scope: 'openid', state, nonce,
    code_challenge: crypto.createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
  }).toString();

  const page = await follow(jar, await send(jar, authUrl), authUrl);
  const csrf = /name="csrf" value="([^"]+)"/.exec(page.html ?? '')?.[1];
  const action = /<form method="post" action="([^"]+\/login)"/.exec(page.html ?? '')?.[1];
  if (!csrf || !action) throw new Error(`no login form at ${page.url.pathname}`);
  const loginUrl = new URL(action, page.url);
  // URLSearchParams bodies are sent as application/x-www-form-urlencoded, which readForm requires.
  const form = new URLSearchParams({ csrf, loginId: user.userId, password: user.password });
  const posted = await send(jar, loginUrl, { method: 'POST', body: form });
  const { callback, url } = await follow(jar, posted, loginUrl);
  const code = callback?.searchParams.get('code');
  if (!code) throw new Error(`no code: ended at ${callback ?? url.pathname}`);
  if (callback!.searchParams.get('state') !== state) throw new Error('state mismatch');

  const response = await fetch(`${issuer}/token`, {
    method: 'POST', // client_secret_basic; ids and secrets are base64url, so need no form-encoding first
    headers: { authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier }),
  });
  const tokens = await response.json() as { id_token?: string };
  if (!tokens.id_token) throw new Error(`token endpoint ${response.status}: ${JSON.stringify(tokens)}`);
  const claims = JSON.parse(Buffer.from(tokens.id_token.split('.')[1], 'base64url').toString()) as { nonce?: string };
  if (claims.nonce !== nonce) throw new Error('nonce mismatch in ID token');
}

interface Run { latencies: number[]; elapsed: number; errors: unknown[] }

/** Runs `task(worker)` in C concurrent loops for `ms`, recording each completion's latency. */
async function runFor(ms: number, task: (worker: number) => Promise<void>): Promise<Run> {
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
function summarize(...runs: Run[]) {
  const latencies = runs.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const pct = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  const elapsed = runs.reduce((sum, r) => sum + r.elapsed, 0);
  return { count: latencies.length, rate: latencies.length / elapsed, p50: pct(0.5), p95: pct(0.95), errors: runs.flatMap((r) => r.errors) };
}

const database = await createDatabase();
const listener = await listenOnFreePort();
let failed = false;
try {
  log(`database: ${database.kind}; IdP on ${listener.url}; concurrency ${concurrency}, ${seconds} s per phase`);
  const idp = createIdp(loadIdpConfig({
    IDP_BASE_URL: listener.url,
    DATABASE_URL: 'unused', // the database is handed to createIdp directly
    COOKIE_KEYS: crypto.randomBytes(32).toString('base64url'),
    DATA_ENCRYPTION_KEY: crypto.randomBytes(32).toString('base64'),
  }), database.db);
  listener.server.on('request', idp.app.callback());
  await saveUnion(database.db, UNION);
  const issuer = idp.registry.issuerUrl(UNION.slug);
  const client = await registerClient(idp.registry, UNION.slug,
    webAppClient({ name: 'bench RP', redirectUris: [REDIRECT_URI], postLogoutRedirectUris: [] }));

  // One member per concurrent client, so no two clients contend for the same account row.
  log(`creating ${concurrency} members`);
  const users = Array.from({ length: concurrency }, (_, i) => ({ userId: `bench-user-${i}`, password: crypto.randomUUID() }));
  const members = await upsertMembers(database.db, UNION.slug, users.map((_, i) => ({
    insurerNumber: UNION.insurerNumber, kigo: '900', bango: String(10000 + i), edaban: '00',
    nameKanji: '計測 太郎', nameKana: 'ケイソク タロウ', birthdate: '1980-01-01', relation: '本人' as const,
  })));
  for (const [i, member] of members.entries()) {
    const account = await ensureAccount(database.db, UNION.slug, member.id);
    await setLoginCredentials(database.db, account.id, { ...users[i], passwordHash: await hashPassword(users[i].password) });
  }

  // The first login creates the union's provider and signing keys; keep that out of the figures.
  log('warm-up login');
  await login(issuer, client, users[0]);

  // The hash phase is split around the login phase so that drift in machine speed (shared VMs,
  // CPU boost) affects both figures alike; a large before/after gap means the machine was noisy.
  const hash = await hashPassword('bench-password');
  const verify = async () => { if (!(await verifyPassword('bench-password', hash))) throw new Error('verifyPassword returned false'); };
  log(`phase 1/3: verifyPassword alone for ${seconds / 2} s`);
  const hashesBefore = await runFor(seconds * 500, verify);
  log(`phase 2/3: full logins for ${seconds} s`);
  const logins = summarize(await runFor(seconds * 1000, (w) => login(issuer, client, users[w])));
  log(`  ${logins.count} logins, ${logins.errors.length} failed`);
  log(`phase 3/3: verifyPassword alone for ${seconds / 2} s`);
  const hashesAfter = await runFor(seconds * 500, verify);
  const hashes = summarize(hashesBefore, hashesAfter);
  log(`  ${hashes.count} verifications`);

  const rows: [string, string][] = [
    ['node / CPUs', `${process.version} / ${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? '?'}`],
    ['UV_THREADPOOL_SIZE', process.env.UV_THREADPOOL_SIZE ?? '4 (default)'],
    ['database', database.kind],
    ['concurrency / seconds', `${concurrency} / ${seconds} (hash phase: half before, half after)`],
    ['logins/s', logins.rate.toFixed(2)],
    ['login p50 / p95 (ms)', `${logins.p50.toFixed(0)} / ${logins.p95.toFixed(0)}`],
    ['hashes/s (verifyPassword)', hashes.rate.toFixed(2)],
    ['  before / after logins', `${summarize(hashesBefore).rate.toFixed(2)} / ${summarize(hashesAfter).rate.toFixed(2)}`],
    ['hash p50 / p95 (ms)', `${hashes.p50.toFixed(0)} / ${hashes.p95.toFixed(0)}`],
    ['login rate / hash rate', (logins.rate / hashes.rate).toFixed(3)],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`\n${rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n')}\n`);

  failed = logins.errors.length + hashes.errors.length > 0;
  if (failed) console.error(`[bench] FAILED: ${logins.errors.length} login worker(s), first error:`, logins.errors[0] ?? hashes.errors[0]);
} catch (err) {
  failed = true;
  console.error('[bench] FAILED:', err);
} finally {
  listener.server.closeAllConnections(); // fetch keeps connections alive; close() alone would wait for them
  await new Promise<void>((resolve) => listener.server.close(() => resolve()));
  await database.drop();
}
process.exitCode = failed ? 1 : 0;
