import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext } from 'playwright-core';
import { createMemberWithLogin } from '../helpers/stack.js';
import { launchBrowser } from '../helpers/browser.js';
import { loginAt } from '../helpers/journeys.js';
import { startProductionStack, type ProductionStack } from '../helpers/production-stack.js';
import { adminToken } from '../helpers/stack.js';
import { webAppClient } from '../../idp/oidc/client-registry.js';

/**
 * Back-channel logout between the production programs (dist/idp/main.js, dist/portal/main.js as
 * child processes over TCP): the library's and our own outgoing-request guards run as for users.
 */
let stack: ProductionStack;
let browser: Browser;

beforeAll(async () => {
  stack = await startProductionStack({ policy: { mfa: { required: false } }, idpEnv: { BACKCHANNEL_RETRY_BASE_MS: '300' } });
  browser = await launchBrowser();
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

const slug = () => stack.union.slug;
const medicalUrl = () => `${stack.portalUrl}/u/${slug()}/medical/`;
const consoleUrl = (path: string) => `${stack.union.issuer}/account${path}`;
const db = () => stack.database.db;

/** createMemberWithLogin's stack shape: the database and union are all it reads. */
const member = (userId: string) => createMemberWithLogin(
  { database: stack.database, unions: { [slug()]: stack.union } } as never, slug(), { userId, password: `${userId}-pw-1` },
);

async function portalLogin(userId: string): Promise<BrowserContext> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await loginAt(page, medicalUrl(), userId, `${userId}-pw-1`);
  await page.waitForURL(medicalUrl());
  return context;
}

/** Does the medical page ask this browser to log in again? Polls: delivery is asynchronous. */
async function asksForLogin(context: BrowserContext, timeoutMs = 15_000): Promise<boolean> {
  const page = await context.newPage();
  for (const deadline = Date.now() + timeoutMs; ;) {
    await page.goto(medicalUrl());
    const asked = (await page.getByLabel('ユーザID').count()) > 0;
    if (asked || Date.now() > deadline) {
      await page.close();
      return asked;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}

async function signOutOthers(userId: string): Promise<void> {
  const page = await (await browser.newContext()).newPage();
  await loginAt(page, consoleUrl('/sessions'), userId, `${userId}-pw-1`);
  await page.getByRole('button', { name: '他のすべての端末からサインアウト' }).click();
  await page.getByText('サインアウトしました').first().waitFor();
  await page.context().close();
}

async function until<T>(what: string, read: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  for (const deadline = Date.now() + timeoutMs; ;) {
    const value = await read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function admin(path: string) {
  const response = await fetch(`${stack.union.issuer}/admin/v1${path}`, { headers: { authorization: `Bearer ${await adminToken(stack.union)}` } });
  return response.json();
}

test('signing out the other devices in browser A ends the portal session in browser B; the delivery is audited and listed', async () => {
  const { accountId } = await member('prod-bcl-a');
  const b = await portalLogin('prod-bcl-a');
  expect(await asksForLogin(b, 0)).toBe(false);

  await signOutOthers('prod-bcl-a');
  expect(await asksForLogin(b)).toBe(true);

  const { deliveries } = await admin(`/clients/${stack.union.portal.clientId}/backchannel-deliveries`);
  expect(deliveries.find((d: { sub: string }) => d.sub === accountId)).toMatchObject({ status: 'delivered', attempts: 1, lastError: null });
  const { entries } = await admin(`/audit?target=${accountId}`);
  expect(entries.find((e: { action: string }) => e.action === 'backchannel.delivery')).toMatchObject({ outcome: 'success' });
  await b.close();
});

test('a back-channel URI on a loopback address not on the allow-list is refused; the outbox records why', async () => {
  let hits = 0;
  const rogue = http.createServer((_req, res) => { hits += 1; res.end(); });
  await new Promise<void>((resolve) => rogue.listen(0, '127.0.0.1', resolve));
  const port = (rogue.address() as AddressInfo).port;
  const client = await stack.registerClient(webAppClient({
    name: 'unlisted', redirectUris: [`http://127.0.0.1:${port}/cb`], postLogoutRedirectUris: [], backchannelLogoutUri: `http://127.0.0.1:${port}/bcl`,
  }));
  // As end_session queues it: one row the IdP process's worker picks up.
  await db()('backchannel_deliveries').insert({
    id: crypto.randomUUID(), union_slug: slug(), client_id: client.clientId, sub: 'someone', sid: 'sid-1', attempts: 0, next_attempt_at: Date.now(), created_at: Date.now(),
  });
  const row = await until('the refusal', () => db()('backchannel_deliveries').where({ client_id: client.clientId }).whereNotNull('last_error').first());
  expect(row.last_error).toContain(`127.0.0.1:${port} resolves to the special-use address 127.0.0.1, not in BACKCHANNEL_ALLOWED_HOSTS`);
  expect(hits).toBe(0);
  const { deliveries } = await admin(`/clients/${client.clientId}/backchannel-deliveries`);
  expect(deliveries[0]).toMatchObject({ status: 'pending', lastError: expect.stringContaining('special-use') });
  const { entries } = await admin('/audit?target=someone');
  expect(entries.find((e: { action: string }) => e.action === 'backchannel.delivery')).toMatchObject({ outcome: 'failure' });
  await new Promise<void>((resolve) => rogue.close(() => resolve()));
});

test('a delivery pending while the portal is down survives kill -9 of the IdP and is made after the restart', async () => {
  const { accountId } = await member('prod-bcl-crash');
  const b = await portalLogin('prod-bcl-crash');
  await stack.portal.stop();

  await signOutOthers('prod-bcl-crash');
  const pending = await until('a failed attempt', () => db()('backchannel_deliveries').where({ sub: accountId }).whereNotNull('last_error').first());
  expect(pending.delivered_at).toBeNull();
  expect(pending.last_error).toMatch(/ECONNREFUSED/);
  await stack.idp.kill();

  await stack.portal.start();
  await stack.idp.start();
  await until('the delivery', () => db()('backchannel_deliveries').where({ sub: accountId }).whereNotNull('delivered_at').first());
  expect(await asksForLogin(b, 5_000)).toBe(true);
  await b.close();
});
