import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { idpText } from '../../idp/i18n/text.js';
import { HttpAgent, textOf, type Page } from '../helpers/http-agent.js';
import { portalAdminToken, startStack, type TestStack } from '../helpers/stack.js';

/**
 * A maintenance notice the union publishes on the portal shows on the IdP's login page from a day
 * before its window until its end. The IdP learns of it only through the portal's public
 * maintenance.json, and a portal that is down or hangs never breaks or slows the login page.
 */
let stack: TestStack;
const HOUR = 60 * 60 * 1000;
beforeAll(async () => { stack = await startStack({ policy: { mfa: { required: false } } }); });
afterAll(() => stack?.close());

async function publish(slug: string, notice: Record<string, unknown>): Promise<{ id: number }> {
  const response = await fetch(`${stack.portalUrl}/u/${slug}/admin/v1/notices`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await portalAdminToken(stack.unions[slug])}`, 'content-type': 'application/json' },
    body: JSON.stringify(notice),
  });
  expect(response.status).toBe(201);
  return response.json() as Promise<{ id: number }>;
}

const portalOf = (slug: string) => `${stack.portalUrl}/u/${slug}/`;
/** The IdP's login page, reached as a member would: the portal sends the browser there. */
const openLogin = (agent: HttpAgent, slug: string, headers: Record<string, string> = {}) => agent.follow(portalOf(slug), { headers });
const again = (agent: HttpAgent, login: Page, headers: Record<string, string> = {}) => agent.request(login.url, { headers });
const bannerOf = (page: Page) => /<p class="maintenance-banner"[^>]*>([^<]*)<\/p>/.exec(page.html)?.[1];
const iso = (at: number) => new Date(at).toISOString();

test('the portal\'s maintenance.json tells titles and times of upcoming windows announced to everyone, nothing more, cacheable', async () => {
  const soon = { start: Date.now() + 2 * HOUR, end: Date.now() + 5 * HOUR };
  await publish('alpha', { kind: 'maintenance', title: '定期メンテナンス', body: '本文は載りません', window: { start: iso(soon.start), end: iso(soon.end) } });
  await publish('alpha', { kind: 'maintenance', audience: 'insured', title: '被保険者だけの作業', body: 'x', window: { start: iso(soon.start), end: iso(soon.end) } });
  await publish('alpha', { kind: 'maintenance', title: '終わった作業', body: 'x', publishFrom: iso(Date.now() - 10 * HOUR), window: { start: iso(Date.now() - 9 * HOUR), end: iso(Date.now() - 8 * HOUR) } });
  await publish('alpha', { kind: 'maintenance', title: 'まだ公開しない作業', body: 'x', publishFrom: iso(Date.now() + HOUR), window: { start: iso(soon.start), end: iso(soon.end) } });
  await publish('alpha', { title: 'ただのニュース', body: 'x' });

  const response = await fetch(`${portalOf('alpha')}maintenance.json`);
  expect(response.status).toBe(200);
  expect(response.headers.get('cache-control')).toBe('public, max-age=60');
  expect(response.headers.get('set-cookie')).toBeNull();
  expect(await response.json()).toEqual({ maintenance: [{ title: '定期メンテナンス', start: iso(soon.start), end: iso(soon.end) }] });
  expect(await (await fetch(`${portalOf('beta')}maintenance.json`)).json()).toEqual({ maintenance: [] });
});

test('the login page shows the banner once the IdP has heard from the portal, in the page\'s language, Japan time', async () => {
  const agent = new HttpAgent();
  const first = await openLogin(agent, 'alpha');
  expect(first.status).toBe(200);
  expect(first.html).toContain('name="password"');
  // The first page never waited for the portal; the feed arrives in the background.
  await stack.idp.maintenance.settled(portalOf('alpha'));
  const [window] = ((await (await fetch(`${portalOf('alpha')}maintenance.json`)).json()) as { maintenance: Array<{ start: string; end: string }> }).maintenance;
  const expected = { start: Date.parse(window.start), end: Date.parse(window.end) };

  const page = await again(agent, first);
  expect(bannerOf(page)).toBe(idpText('ja').t('login.maintenance.upcoming', expected));
  expect(bannerOf(page)).toMatch(/^メンテナンスのお知らせ: \d+月\d+日\(.\) \d\d:\d\d〜.*\d\d:\d\d はサービスを停止します。$/);
  const english = await again(agent, first, { 'accept-language': 'en' });
  expect(bannerOf(english)).toBe(idpText('en').t('login.maintenance.upcoming', expected));
  expect(textOf(english.html)).toContain('(Japan time)');
});

test('during the window the banner says the maintenance is under way; after it, nothing', async () => {
  const agent = new HttpAgent();
  const login = await openLogin(agent, 'beta');
  await stack.idp.maintenance.settled(portalOf('beta'));
  expect(bannerOf(await again(agent, login))).toBeUndefined();

  const now = { start: Date.now() - HOUR, end: Date.now() + HOUR };
  const { id } = await publish('beta', { kind: 'maintenance', title: '臨時メンテナンス', body: 'x', window: { start: iso(now.start), end: iso(now.end) } });
  // The IdP asks again once its copy is a minute old: here, right away.
  await stack.idp.maintenance.refresh(`${portalOf('beta')}maintenance.json`);
  expect(bannerOf(await again(agent, login))).toBe(idpText('ja').t('login.maintenance.ongoing', now));

  // Withdrawn on the portal: gone from the login page at the next refresh.
  const withdrawal = await fetch(`${portalOf('beta')}admin/v1/notices/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${await portalAdminToken(stack.unions.beta)}` } });
  expect(withdrawal.status).toBe(200);
  await stack.idp.maintenance.refresh(`${portalOf('beta')}maintenance.json`);
  expect(bannerOf(await again(agent, login))).toBeUndefined();
});

test('a portal that is down or hangs: no banner, and the login page answers at once', async () => {
  // A server that accepts connections and never answers, and a port where nobody listens.
  const hanging = http.createServer(() => { /* never answers */ });
  await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
  const closed = http.createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const closedPort = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));

  const issuer = (await stack.idp.registry.get('alpha'))!;
  const realPortal = issuer.union.policy.portalUrl;
  try {
    for (const portalUrl of [`http://127.0.0.1:${(hanging.address() as AddressInfo).port}/u/alpha/`, `http://127.0.0.1:${closedPort}/u/alpha/`]) {
      // As if the operator had set this portal URL for the union (the IdP reads policies once per process).
      issuer.union.policy.portalUrl = portalUrl;
      const agent = new HttpAgent();
      const login = await openLogin(agent, 'alpha');
      for (let i = 0; i < 3; i += 1) {
        const started = Date.now();
        const page = await again(agent, login);
        expect([portalUrl, page.status, bannerOf(page)]).toEqual([portalUrl, 200, undefined]);
        expect(Date.now() - started).toBeLessThan(500);
      }
      const started = Date.now();
      await stack.idp.maintenance.settled(portalUrl);
      expect(Date.now() - started).toBeLessThan(1500); // the 1 s timeout, not the operating system's
      expect(bannerOf(await again(agent, login))).toBeUndefined();
    }
  } finally {
    issuer.union.policy.portalUrl = realPortal;
    hanging.closeAllConnections();
    await new Promise<void>((resolve) => hanging.close(() => resolve()));
  }
});
