import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { storedModelId } from '../../idp/oidc/adapter.js';
import { SecretBox } from '../../idp/security/encryption.js';
import type { Database } from '../../migrations/database.js';
import { Browser, REDIRECT_URI } from './browser.js';
import { login, type BenchUser, type Target } from './flows.js';
import { runFor } from './harness.js';
import { idpEnvironment, PASSWORD_UNION, type IdpSecrets } from './kenpo.js';

/**
 * The IdP's memory as deployed: `node dist/idp/main.js` in a process of its own on the benchmark's
 * database, its resident set (VmRSS) read from /proc when started and idle, and again once
 * BENCH_SESSIONS (10,000) live sessions have each been used for a sign-in (prompt=none: the session
 * is loaded, the member found, a grant made and a code issued). The sessions are copies of one real
 * login's session, each under its own id and cookie and spread over `users`, since a login per
 * session would only measure the password hash 10,000 times.
 */
export const SESSIONS = Math.max(1, Number(process.env.BENCH_SESSIONS) || 10_000);
const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../idp/main.js');

export const rssMiB = (pid: number) => {
  const kib = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kib) / 1024;
};

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts the production entry point; resolves once it says it listens. */
async function startIdpProcess(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [MAIN], { env: { ...process.env, ...env, NODE_ENV: 'production' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => { output += chunk; if (output.includes('listening')) resolve(); });
    child.stderr!.on('data', (chunk: Buffer) => { output += chunk; });
    child.once('exit', (code) => reject(new Error(`IdP exited (${code}): ${output.slice(-2000)}`)));
  });
  return child;
}

/** Keygrip's signature of a cookie (HMAC-SHA1, URL-safe base64), as Koa checks it with COOKIE_KEYS. */
const cookieSignature = (key: string, name: string, value: string) =>
  crypto.createHmac('sha1', key).update(`${name}=${value}`).digest('base64').replace(/\/|\+|=/g, (c) => ({ '/': '_', '+': '-', '=': '' })[c]!);

/** `halfMiB` after half the sessions: if the second half adds about as much as the first, memory grows per session. */
export interface MemoryFigures { idleMiB: number; halfMiB: number; sessionsMiB: number; sessions: number; signInsPerSecond: number }

export async function measureMemory(
  db: Database, databaseUrl: string, secrets: IdpSecrets, client: Target['client'], users: BenchUser[], clients: number,
): Promise<MemoryFigures> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env = { ...idpEnvironment(baseUrl, databaseUrl, secrets), IDP_PORT: String(port), IDP_HOST: '127.0.0.1', MAIL_DIR: fs.mkdtempSync('/tmp/kenpo-bench-mail-') };
  const child = await startIdpProcess(env);
  try {
    await new Promise((resolve) => setTimeout(resolve, 1000)); // let start-up garbage settle
    const idleMiB = rssMiB(child.pid!);
    const target: Target = { issuer: `${baseUrl}/u/${PASSWORD_UNION.slug}`, client };
    await login(target, users[0]); // the union's provider and signing keys exist from here on

    // Copies of that login's session, each under its own id and uid, for one of the users' accounts.
    const box = new SecretBox(Buffer.from(env.DATA_ENCRYPTION_KEY, 'base64'));
    const original = await db('oidc_models').where({ union_slug: PASSWORD_UNION.slug, model: 'Session' }).orderBy('expires_at', 'desc').first();
    const payload = JSON.parse(original.payload) as Record<string, unknown>;
    const accounts = (await db('accounts').where({ union_slug: PASSWORD_UNION.slug }).whereIn('user_id', users.map((u) => u.userId)).select('id')).map((a) => a.id as string);
    const cookies: string[] = [];
    const rows = [];
    for (let i = 0; i < SESSIONS; i += 1) {
      const id = crypto.randomBytes(32).toString('base64url');
      const accountId = accounts[i % accounts.length];
      const copy = { ...payload, uid: crypto.randomBytes(16).toString('base64url'), accountId, authorizations: {} };
      rows.push({ ...original, id: storedModelId(box, 'Session', id), uid: copy.uid, account_id: accountId, payload: JSON.stringify(copy) });
      cookies.push(id);
    }
    for (let i = 0; i < rows.length; i += 500) await db('oidc_models').insert(rows.slice(i, i + 500));

    // Each session signs in once, as a member's second app would (prompt=none).
    const key = env.COOKIE_KEYS;
    let next = 0;
    let halfMiB = 0;
    const run = await runFor(10 * 60 * 1000, async (worker) => {
      if (next >= cookies.length) return;
      if (next === Math.floor(cookies.length / 2)) halfMiB = rssMiB(child.pid!);
      const id = cookies[next++];
      const browser = new Browser(`10.200.${worker}.1`);
      browser.jar.set('_session', id, `/u/${PASSWORD_UNION.slug}`);
      browser.jar.set('_session.sig', cookieSignature(key, '_session', id), `/u/${PASSWORD_UNION.slug}`);
      const url = new URL(`${target.issuer}/auth`);
      url.search = new URLSearchParams({
        client_id: client.clientId, redirect_uri: REDIRECT_URI, response_type: 'code', scope: 'openid', prompt: 'none',
        state: 's', nonce: 'n', code_challenge: crypto.createHash('sha256').update('v'.repeat(43)).digest('base64url'), code_challenge_method: 'S256',
      }).toString();
      const page = await browser.follow(await browser.send(url), url);
      if (!page.callback?.searchParams.get('code')) throw new Error(`prompt=none did not sign in: ${page.callback ?? page.url.pathname}`);
    }, clients, () => next >= cookies.length);
    if (run.errors.length) throw run.errors[0];
    await new Promise((resolve) => setTimeout(resolve, 1000));
    return { idleMiB, halfMiB, sessionsMiB: rssMiB(child.pid!), sessions: SESSIONS, signInsPerSecond: run.latencies.length / run.elapsed };
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(env.MAIL_DIR, { recursive: true, force: true });
  }
}
