import crypto from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureAccount, setLoginCredentials, updateAccount } from '../../idp/accounts/account-repository.js';
import { hashPassword, verifyPassword } from '../../idp/accounts/password-hasher.js';
import { createIdp, type Idp } from '../../idp/app.js';
import { loadIdpConfig } from '../../idp/config.js';
import { upsertMembers } from '../../idp/members/member-repository.js';
import { addCredential } from '../../idp/mfa/credentials.js';
import { ACR } from '../../idp/mfa/levels.js';
import { registerClient, webAppClient, type RegisteredClient } from '../../idp/oidc/client-registry.js';
import { DEFAULT_POLICY } from '../../idp/unions/policy.js';
import { saveUnion } from '../../idp/unions/union-repository.js';
import { closeServer, concurrency, createDatabase, listenOnFreePort, machine, printTable, runFor, seconds, summarize } from './harness.js';

/**
 * `npm run bench:login`: full logins per second through the authorization code flow (browser-like
 * client → IdP → token endpoint), password only and password + authenticator-app code (TOTP), against
 * the raw rate of the password hash alone, to show how much of a login's cost is the password hash (argon2id).
 * BENCH_CONCURRENCY (4), BENCH_SECONDS (10); DATABASE_URL=postgres://… benchmarks on a fresh
 * PostgreSQL database instead of SQLite.
 */
type UnionInfo = Parameters<typeof saveUnion>[1];
// Every benchmark client shares one address: the per-address login budget is raised so it measures
// logins, not the throttle (the global budget and everything else stay the defaults).
const ONE_ADDRESS = { loginThrottle: { ...DEFAULT_POLICY.loginThrottle, perAddress: { max: 10_000_000, windowMs: 60_000 } } };
// Password only: a union that does not require a second factor, members who have not chosen one.
const PASSWORD_UNION: UnionInfo = { slug: 'bench', name: 'ベンチマーク健康保険組合', insurerNumber: '06130099', settings: { mfa: { ...DEFAULT_POLICY.mfa, required: false }, ...ONE_ADDRESS } };
// Password + TOTP: the default policy (second factor required).
const TOTP_UNION: UnionInfo = { slug: 'bench-totp', name: 'ベンチマーク二要素健康保険組合', insurerNumber: '06130100', settings: ONE_ADDRESS };
const REDIRECT_URI = 'http://127.0.0.1:9/cb'; // never fetched: the flow stops when redirected here
const PASSWORD = crypto.randomUUID(); // one password and one hash for every member: a hash per member would only slow the set-up
const STEP_MS = 30_000; // RFC 6238 time step; the IdP takes one code per device per step
const log = (message: string) => console.log(`[bench] ${message}`);

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

/** Where a request ended: a page (its HTML) or the client's redirect_uri. */
interface Page { html?: string; callback?: URL; url: URL }

/** One browser: a cookie jar, and the address a TLS-terminating proxy would forward for it. */
class Browser {
  private readonly jar = new CookieJar();
  constructor(private readonly ip: string) {}

  /** One request with our cookies; redirects are the caller's business. */
  async send(url: URL, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    const cookie = this.jar.header(url);
    if (cookie) headers.set('cookie', cookie);
    headers.set('x-forwarded-for', this.ip);
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    this.jar.store(response);
    return response;
  }

  /** Follows redirects until a page or the client's redirect_uri. */
  async follow(first: Response, from: URL): Promise<Page> {
    let [response, url] = [first, from];
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
      response = await this.send(url);
    }
    throw new Error(`too many redirects, last at ${url.pathname}`);
  }

  /** Posts the page's form whose action ends in `action`, with the page's csrf token and `fields`. */
  async submit(page: Page, action: string, fields: Record<string, string>): Promise<Page> {
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.html ?? '')?.[1];
    const target = new RegExp(`<form method="post" action="([^"]+${action})"`).exec(page.html ?? '')?.[1];
    if (!csrf || !target) throw new Error(`no ${action} form at ${page.url.pathname}`);
    const url = new URL(target, page.url);
    // URLSearchParams bodies are sent as application/x-www-form-urlencoded, which readForm requires.
    return this.follow(await this.send(url, { method: 'POST', body: new URLSearchParams({ csrf, ...fields }) }), url);
  }
}

/** RFC 6238 as an authenticator app computes it (SHA-1, 6 digits, 30 s), independent of the IdP's otplib. */
function totpCode(key: Buffer, step: number): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(step));
  const mac = crypto.createHmac('sha1', key).update(message).digest();
  return String((mac.readUInt32BE(mac[mac.length - 1] & 0x0f) & 0x7fffffff) % 1e6).padStart(6, '0');
}

function base32(bytes: Buffer): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bits = [...bytes].map((b) => b.toString(2).padStart(8, '0')).join('');
  return (bits.match(/.{1,5}/g) ?? []).map((chunk) => alphabet[Number.parseInt(chunk.padEnd(5, '0'), 2)]).join('');
}

const currentStep = () => Math.floor(Date.now() / STEP_MS);

interface TotpDevice { key: Buffer; lastStep: number }
interface BenchUser { userId: string; ip: string; totp?: TotpDevice }
interface Target { issuer: string; client: RegisteredClient; acr: string }

/** The MFA page's device choice and the code for the current step. */
function totpFields(page: Page, device: TotpDevice): Record<string, string> {
  const id = /<option value="([^"]+)"/.exec(page.html ?? '')?.[1];
  if (!id) throw new Error(`no TOTP device to choose at ${page.url.pathname}`);
  device.lastStep = currentStep();
  return { device: id, code: totpCode(device.key, device.lastStep) };
}

/** One complete login from a fresh browser; resolves once the token endpoint returned an ID token of the expected acr. */
async function login({ issuer, client, acr }: Target, user: BenchUser): Promise<void> {
  const browser = new Browser(user.ip);
  const [verifier, state, nonce] = [32, 8, 8].map((n) => crypto.randomBytes(n).toString('base64url'));
  const authUrl = new URL(`${issuer}/auth`);
  authUrl.search = new URLSearchParams({
    client_id: client.clientId, redirect_uri: REDIRECT_URI, response_type: 'code', scope: 'openid', state, nonce,
    code_challenge: crypto.createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
  }).toString();

  const loginPage = await browser.follow(await browser.send(authUrl), authUrl);
  let page = await browser.submit(loginPage, '/login', { loginId: user.userId, password: PASSWORD });
  if (user.totp) page = await browser.submit(page, '/mfa/totp', totpFields(page, user.totp));
  const code = page.callback?.searchParams.get('code');
  if (!code) throw new Error(`no code: ended at ${page.callback ?? page.url.pathname}`);
  if (page.callback!.searchParams.get('state') !== state) throw new Error('state mismatch');

  const response = await fetch(`${issuer}/token`, {
    method: 'POST', // client_secret_basic; ids and secrets are base64url, so need no form-encoding first
    headers: { authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier }),
  });
  const tokens = await response.json() as { id_token?: string };
  if (!tokens.id_token) throw new Error(`token endpoint ${response.status}: ${JSON.stringify(tokens)}`);
  const claims = JSON.parse(Buffer.from(tokens.id_token.split('.')[1], 'base64url').toString()) as { nonce?: string; acr?: string };
  if (claims.nonce !== nonce) throw new Error('nonce mismatch in ID token');
  if (claims.acr !== acr) throw new Error(`acr ${claims.acr} in ID token, expected ${acr}`);
}

/** Members least recently used first; when even that one's device took a code this step, wait for the next step. */
class TotpPool {
  private next = 0;
  waits = 0;
  constructor(readonly users: BenchUser[]) {}

  async take(): Promise<BenchUser> {
    const user = this.users[this.next];
    this.next = (this.next + 1) % this.users.length;
    while (user.totp!.lastStep >= currentStep()) {
      this.waits += 1;
      await sleep(STEP_MS - (Date.now() % STEP_MS) + 10);
    }
    user.totp!.lastStep = currentStep(); // reserved until the code is computed
    return user;
  }
}

async function setUpUnion(idp: Idp, union: UnionInfo, acr: string): Promise<Target> {
  await saveUnion(idp.registry.deps.db, union);
  const client = await registerClient(idp.registry, union.slug,
    webAppClient({ name: 'bench RP', redirectUris: [REDIRECT_URI], postLogoutRedirectUris: [] }));
  return { issuer: idp.registry.issuerUrl(union.slug), client, acr };
}

let addresses = 0;
/** Members past the first-login journey; with `totp`, each with an authenticator app chosen and set up. */
async function createMembers(idp: Idp, union: UnionInfo, count: number, passwordHash: string, totp: boolean): Promise<BenchUser[]> {
  const { db, box } = idp.registry.deps;
  const members = await upsertMembers(db, union.slug, Array.from({ length: count }, (_, i) => ({
    insurerNumber: union.insurerNumber, kigo: '900', bango: String(10000 + i), edaban: '00',
    nameKanji: '計測 太郎', nameKana: 'ケイソク タロウ', birthdate: '1980-01-01', relation: '本人' as const,
  })));
  const users: BenchUser[] = [];
  for (const [i, member] of members.entries()) {
    const userId = `${union.slug}-user-${i}`;
    const n = addresses++; // a client address of its own per member, so the per-address code-check limit is not shared
    const user: BenchUser = { userId, ip: `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` };
    const account = await ensureAccount(db, union.slug, member.id);
    await setLoginCredentials(db, account.id, { userId, passwordHash });
    await updateAccount(db, account.id, {
      email: `${userId}@example.jp`, emailVerified: true, birthdateVerified: true, firstLoginCompleted: true,
      ...(totp ? { preferredMfa: 'totp' as const } : {}),
    });
    if (totp) {
      user.totp = { key: crypto.randomBytes(20), lastStep: 0 };
      await addCredential(db, { accountId: account.id, type: 'totp', label: 'bench', secret: box.seal(base32(user.totp.key)) });
    }
    users.push(user);
  }
  return users;
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
    TRUST_PROXY: 'true', // client addresses from X-Forwarded-For: many members, not all of them 127.0.0.1
  }), database.db);
  listener.server.on('request', idp.app.callback());
  const passwordOnly = await setUpUnion(idp, PASSWORD_UNION, ACR.password);
  const withTotp = await setUpUnion(idp, TOTP_UNION, ACR.mfa);
  const passwordHash = await hashPassword(PASSWORD);

  // One member per concurrent client, so no two clients contend for the same account row.
  log(`creating ${concurrency} password-only members`);
  const users = await createMembers(idp, PASSWORD_UNION, concurrency, passwordHash, false);
  // The first login creates the union's provider and signing keys; keep that out of the figures.
  log('warm-up login');
  await login(passwordOnly, users[0]);

  // The hash phase is split around the login phases so that drift in machine speed (shared VMs,
  // CPU boost) affects all figures alike; a large before/after gap means the machine was noisy.
  const hash = await hashPassword('bench-password');
  const verify = async () => { if (!(await verifyPassword('bench-password', hash))) throw new Error('verifyPassword returned false'); };
  log(`phase 1/4: verifyPassword alone for ${seconds / 2} s`);
  const hashesBefore = await runFor(seconds * 500, verify);

  // Each login hashes once, so the hash rate bounds the login rate: that many logins per 30-s step,
  // plus headroom, never needs a member twice in one step (a TOTP code is taken once per step).
  const totpCount = Math.min(5000, Math.ceil(summarize(hashesBefore).rate * 30 * 1.25) + concurrency);
  log(`creating ${totpCount} password+TOTP members`);
  const pool = new TotpPool(await createMembers(idp, TOTP_UNION, totpCount, passwordHash, true));
  log('warm-up password+TOTP login');
  await login(withTotp, await pool.take());

  log(`phase 2/4: password logins for ${seconds} s`);
  const logins = summarize(await runFor(seconds * 1000, (w) => login(passwordOnly, users[w])));
  log(`  ${logins.count} logins, ${logins.errors.length} failed`);
  log(`phase 3/4: password+TOTP logins for ${seconds} s`);
  const totpLogins = summarize(await runFor(seconds * 1000, async () => login(withTotp, await pool.take())));
  log(`  ${totpLogins.count} logins, ${totpLogins.errors.length} failed`);
  log(`phase 4/4: verifyPassword alone for ${seconds / 2} s`);
  const hashesAfter = await runFor(seconds * 500, verify);
  const hashes = summarize(hashesBefore, hashesAfter);
  log(`  ${hashes.count} verifications`);

  const ms = (s: { p50: number; p95: number }) => `${s.p50.toFixed(0)} / ${s.p95.toFixed(0)}`;
  printTable([
    ...machine(),
    ['database', database.kind],
    ['concurrency / seconds', `${concurrency} / ${seconds} per login phase (hash phase: half before, half after)`],
    ['password logins/s', logins.rate.toFixed(2)],
    ['password login p50 / p95 (ms)', ms(logins)],
    ['password+TOTP logins/s', totpLogins.rate.toFixed(2)],
    ['password+TOTP login p50 / p95 (ms)', ms(totpLogins)],
    ['  TOTP members / step waits', `${totpCount} / ${pool.waits}${pool.waits ? ' (too few members: rate understated)' : ''}`],
    ['hashes/s (verifyPassword)', hashes.rate.toFixed(2)],
    ['  before / after logins', `${summarize(hashesBefore).rate.toFixed(2)} / ${summarize(hashesAfter).rate.toFixed(2)}`],
    ['hash p50 / p95 (ms)', ms(hashes)],
    ['password login rate / hash rate', (logins.rate / hashes.rate).toFixed(3)],
    ['TOTP login rate / hash rate', (totpLogins.rate / hashes.rate).toFixed(3)],
    ['TOTP login rate / password login rate', (totpLogins.rate / logins.rate).toFixed(3)],
  ]);

  for (const [name, run] of [['password login', logins], ['password+TOTP login', totpLogins], ['hash', hashes]] as const) {
    if (run.errors.length === 0) continue;
    failed = true;
    console.error(`[bench] FAILED: ${run.errors.length} ${name} worker(s), first error:`, run.errors[0]);
  }
} catch (err) {
  failed = true;
  console.error('[bench] FAILED:', err);
} finally {
  await closeServer(listener.server);
  await database.drop();
}
process.exitCode = failed ? 1 : 0;
