import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import { decodeProtectedHeader } from 'jose';
import { projectRoot } from '../../project/paths.js';
import { webAppClient } from '../../idp/oidc/client-registry.js';
import { KEY_CHECK_MS } from '../../idp/oidc/provider-registry.js';
import type { RegisteredClient } from '../../idp/oidc/client-registry.js';
import { SpreadAgent, textOf } from '../helpers/http-agent.js';
import { startProductionStack, type ProductionStack } from '../helpers/production-stack.js';
import { createMemberWithLogin } from '../helpers/stack.js';

/**
 * A signing-key rotation while members log in over two IdP processes and the portal checks their
 * access tokens: the new key is in every process's JWKS before any process signs with it, the old
 * key stays published, and not one login or token check fails on either process or in the portal.
 */
let stack: ProductionStack;
let app: RegisteredClient;
const REDIRECT = 'http://127.0.0.1:9/cb'; // never fetched: the code is read from the redirect
const PUBLISH_SECONDS = 90;

beforeAll(async () => {
  stack = await startProductionStack({
    idpProcesses: 2, postgres: true,
    // Every request of this test comes from one address: the per-address login budget must not be what stops it.
    policy: { mfa: { required: false }, loginThrottle: { perAddress: { max: 1_000_000, windowMs: 60_000 } } },
  });
  app = await stack.registerClient(webAppClient({ name: 'テストアプリ', redirectUris: [REDIRECT], postLogoutRedirectUris: [] }));
  for (const userId of ['rotating-a', 'rotating-b', 'rotating-c']) {
    await createMemberWithLogin({ database: stack.database, unions: { [stack.union.slug]: stack.union } } as never, stack.union.slug, { userId, password: `${userId}-pw-1` });
  }
}, 240_000);
afterAll(async () => { await stack?.close(); });

const issuer = () => stack.union.issuer;
const medicalUrl = () => `${stack.portalUrl}/u/${stack.union.slug}/medical/`;
const basic = (c: RegisteredClient) => `Basic ${Buffer.from(`${c.clientId}:${c.clientSecret}`).toString('base64')}`;
const fresh = { connection: 'close' };

async function admin(method: string, route: string, body?: unknown): Promise<{ status: number; body: any }> {
  const token = await clientCredentials();
  const response = await fetch(`${issuer()}/admin/v1${route}`, {
    method, headers: { ...fresh, authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, body: await response.json() };
}

async function clientCredentials(): Promise<string> {
  const response = await fetch(`${issuer()}/token`, {
    method: 'POST', headers: { ...fresh, authorization: basic(stack.union.admin) }, body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'admin' }),
  });
  const body = await response.json() as { access_token?: string };
  if (!body.access_token) throw new Error(`client_credentials: ${response.status} ${JSON.stringify(body)}`);
  return body.access_token;
}

/** The kids each process publishes, read from each process directly. */
const publishedKids = () => Promise.all(stack.idps.processes.map(async (p) =>
  ((await (await fetch(`${p.url}/u/${stack.union.slug}/jwks`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid).sort()));

/** A full code flow of the test app, its code exchanged at one process directly: the kid that process signs ID tokens with. */
async function signingKidOf(processIndex: number): Promise<string> {
  const agent = new SpreadAgent();
  const verifier = crypto.randomBytes(32).toString('base64url');
  const authorize = `${issuer()}/auth?${new URLSearchParams({
    client_id: app.clientId, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', state: 's', nonce: 'n',
    code_challenge: crypto.createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
  })}`;
  let page = await agent.follow(authorize);
  page = await agent.post(page, /\/login$/, { loginId: 'rotating-c', password: 'rotating-c-pw-1' });
  while (!page.headers.get('location')?.startsWith(REDIRECT)) {
    if (page.status < 300 || page.status >= 400) throw new Error(`no code: ${page.status} ${textOf(page.html).slice(0, 200)}`);
    page = await agent.request(new URL(page.headers.get('location')!, page.url).href);
  }
  const code = new URL(page.headers.get('location')!).searchParams.get('code')!;
  const tokenUrl = `${stack.idps.processes[processIndex].url}/u/${stack.union.slug}/token`;
  const response = await fetch(tokenUrl, {
    method: 'POST', headers: { authorization: basic(app) },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }),
  });
  const tokens = await response.json() as { id_token?: string };
  if (!tokens.id_token) throw new Error(`no ID token: ${JSON.stringify(tokens)}`);
  return decodeProtectedHeader(tokens.id_token).kid!;
}

/** A member's whole login through the portal (its token checked against the issuer's JWKS on the medical page). */
async function portalLogin(userId: string): Promise<SpreadAgent> {
  const agent = new SpreadAgent();
  const login = await agent.follow(medicalUrl());
  const page = await agent.submit(login, /\/login$/, { loginId: userId, password: `${userId}-pw-1` });
  if (page.status !== 200 || page.url !== medicalUrl()) throw new Error(`portal login ended at ${page.status} ${page.url}: ${textOf(page.html).slice(0, 200)}`);
  return agent;
}

/** The account console's login: its own relying party inside the IdP verifies the ID token (openid-client). */
async function consoleLogin(): Promise<void> {
  const agent = new SpreadAgent();
  const login = await agent.follow(`${issuer()}/account/`);
  const page = await agent.submit(login, /\/login$/, { loginId: 'rotating-b', password: 'rotating-b-pw-1' });
  if (page.status !== 200 || !page.url.startsWith(`${issuer()}/account/`)) throw new Error(`console login ended at ${page.status} ${page.url}`);
}

interface Traffic { name: string; ok: number; failures: string[]; lastOkAt: number }

/** Runs `task` again and again until `until` resolves, counting successes and failures. */
async function keepDoing(name: string, until: { stopped: boolean }, task: () => Promise<void>): Promise<Traffic> {
  const traffic: Traffic = { name, ok: 0, failures: [], lastOkAt: 0 };
  while (!until.stopped) {
    try {
      await task();
      traffic.ok += 1;
      traffic.lastOkAt = Date.now();
    } catch (err) {
      traffic.failures.push((err as Error).message);
    }
  }
  return traffic;
}

test('a rotation mid-traffic over both processes and the portal: published before it signs, not one failed login or token check', async () => {
  const [oldKid] = (await publishedKids())[0];
  const member = await portalLogin('rotating-a'); // a portal session whose access token the old key signed

  const until = { stopped: false };
  const traffic = Promise.all([
    keepDoing('portal login', until, async () => { await portalLogin('rotating-a'); }),
    keepDoing('portal token check', until, async () => {
      const page = await member.request(medicalUrl());
      if (page.status !== 200) throw new Error(`medical page answered ${page.status} ${page.headers.get('location') ?? ''}`);
    }),
    keepDoing('console login', until, consoleLogin),
    keepDoing('admin token', until, async () => {
      const { status } = await admin('GET', '/keys');
      if (status !== 200) throw new Error(`admin API answered ${status}`);
    }),
  ]);

  const rotated = await admin('POST', '/keys/rotate', { publishSeconds: PUBLISH_SECONDS, retireAfterSeconds: 600 });
  expect(rotated.status).toBe(201);
  const { next, previous } = rotated.body;
  expect(previous.kid).toBe(oldKid);
  expect(Date.parse(previous.retiresAt) - Date.parse(next.activatesAt)).toBe(600_000);

  // Within a key check every process publishes both keys, and both still sign with the old one.
  await new Promise((r) => setTimeout(r, KEY_CHECK_MS + 2000));
  expect(await publishedKids()).toEqual([[oldKid, next.kid].sort(), [oldKid, next.kid].sort()]);
  expect([await signingKidOf(0), await signingKidOf(1)]).toEqual([oldKid, oldKid]);
  // One rotation at a time, through the CLI as through the API.
  expect((await admin('POST', '/keys/rotate', {})).status).toBe(409);
  const cli = spawnSync(process.execPath, [path.join(projectRoot, 'dist/scripts/rotate-key.js'), '--union', stack.union.slug], {
    cwd: projectRoot, encoding: 'utf8', env: { PATH: process.env.PATH, ...stack.idp.env },
  });
  expect(cli.status).toBe(2);
  expect(cli.stderr.trim()).toBe(`not rotated: key ${next.kid} is already published and starts signing at ${next.activatesAt}`);

  // After the switch both processes sign with the new key; the old one is still published.
  const switched = Date.parse(next.activatesAt) + KEY_CHECK_MS + 2000;
  await new Promise((r) => setTimeout(r, switched - Date.now()));
  expect([await signingKidOf(0), await signingKidOf(1)]).toEqual([next.kid, next.kid]);
  expect(await publishedKids()).toEqual([[oldKid, next.kid].sort(), [oldKid, next.kid].sort()]);
  await new Promise((r) => setTimeout(r, 3000));
  until.stopped = true;

  const results = await traffic;
  for (const t of results) {
    expect({ name: t.name, failures: t.failures }).toEqual({ name: t.name, failures: [] });
    expect(t.ok).toBeGreaterThan(0);
    // Each kind kept succeeding after every process had switched keys.
    expect(t.lastOkAt).toBeGreaterThan(switched);
  }

  const keys = (await admin('GET', '/keys')).body.keys as { kid: string; state: string }[];
  expect(keys.map((k) => [k.kid, k.state])).toEqual([[next.kid, 'signing'], [oldKid, 'previous']]);
  const audit = await stack.database.db('audit_log').where({ action: 'admin.keys.rotate', outcome: 'success' });
  expect(audit.map((a) => a.target)).toEqual([next.kid]);

  // When its time is up the old key leaves every process's JWKS (its retirement brought forward here).
  await stack.database.db('signing_keys').where({ kid: oldKid }).update({ retired_at: Date.now() });
  await new Promise((r) => setTimeout(r, KEY_CHECK_MS + 1000));
  expect(await publishedKids()).toEqual([[next.kid], [next.kid]]);
  const cliList = spawnSync(process.execPath, [path.join(projectRoot, 'dist/scripts/rotate-key.js'), '--union', stack.union.slug, '--list'], {
    cwd: projectRoot, encoding: 'utf8', env: { PATH: process.env.PATH, ...stack.idp.env },
  });
  expect(cliList.stdout).toMatch(new RegExp(`^signing +${next.kid} .*\\nretired +${oldKid} `));
}, 300_000);
