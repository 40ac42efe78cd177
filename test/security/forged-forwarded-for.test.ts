import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Koa from 'koa';
import { listSessions } from '../../idp/accounts/sessions.js';
import { trustedForwarding } from '../../idp/http/forwarded.js';
import { RECOVERY_LIMITS } from '../../idp/recovery/request-guard.js';
import { parseTrustProxy } from '../../net/client-address.js';
import { applyProxyTrust } from '../../portal/http/forwarded.js';
import { HttpAgent, passwordLogin } from '../helpers/http-agent.js';
import { createMemberWithLogin, startStack, type TestStack } from '../helpers/stack.js';

/**
 * The review's attack: behind a proxy (TRUST_PROXY), the client writes its own X-Forwarded-For
 * entries, and the IdP took the left-most one, so every per-address limit could be bypassed and the
 * audit log and the session list showed whatever address the client chose. Proxies append to the
 * right of the header; only the right-most untrusted hop is the client.
 */

/** What a proxy in front of the IdP hands on: the client's own header, then the client's real address. */
const forwarded = (clientWrote: string, client: string) => (clientWrote ? `${clientWrote}, ${client}` : client);

/** A browser whose every request arrives through the proxy with a forged header. */
class ProxiedAgent extends HttpAgent {
  constructor(private readonly forwardedFor: string) { super(); }

  override request(url: string, init: Parameters<HttpAgent['request']>[1] = {}) {
    return super.request(url, { ...init, headers: { 'x-forwarded-for': this.forwardedFor, ...init.headers } });
  }
}

/** A forgot-password request as a browser sends it (its cookie and CSRF token), through the proxy. */
async function requestReset(issuer: string, userId: string, forwardedFor: string) {
  const agent = new ProxiedAgent(forwardedFor);
  const form = await agent.request(`${issuer}/recovery/password`);
  const csrf = /name="csrf" value="([^"]+)"/.exec(form.html)![1];
  return agent.request(`${issuer}/recovery/password`, { form: { csrf, userId } });
}

/** The decision about a recovery request is made after the answer: wait for its audit entries. */
async function auditRows(stack: TestStack, where: Record<string, string>, count: number) {
  for (let i = 0; i < 300; i += 1) {
    const rows = await stack.database.db('audit_log').where({ union_slug: 'alpha', ...where }).orderBy('id');
    if (rows.length >= count) return rows.map((r) => ({ ...r, detail: r.detail ? JSON.parse(r.detail) : null }));
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`fewer than ${count} audit entries ${JSON.stringify(where)}`);
}

describe('TRUST_PROXY=true (one proxy, as the old setting meant)', () => {
  let stack: TestStack;
  beforeAll(async () => { stack = await startStack({ policy: { mfa: { required: false } }, env: { TRUST_PROXY: 'true' } }); });
  afterAll(async () => { await stack.close(); });

  test('40 forgot-password requests, each with a different forged address, meet the per-address limit of 30', async () => {
    const client = '198.51.100.20';
    for (let i = 0; i < 40; i += 1) {
      const page = await requestReset(stack.unions.alpha.issuer, `forged-nobody-${i}`, forwarded(`203.0.113.${i + 1}`, client));
      expect(page.status).toBe(200);
    }
    const rows = await auditRows(stack, { action: 'recovery.password.requested', ip: client }, 40);
    expect(rows).toHaveLength(40);
    const limited = rows.filter((r) => r.detail?.reason === 'rate_limited');
    expect(limited).toHaveLength(40 - RECOVERY_LIMITS.ip.max);
    expect(limited.map((r) => r.target)).toEqual(Array.from({ length: 10 }, (_, i) => `forged-nobody-${30 + i}`));
    expect(await stack.database.db('audit_log').where('ip', 'like', '203.0.113.%')).toEqual([]);
  });

  test('the audit log and the session list show the real address of a login through the proxy', async () => {
    const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'proxied-member', password: 'proxied-pass-1' });
    const client = '198.51.100.21';
    const agent = new ProxiedAgent(forwarded('203.0.113.66, 10.0.0.1', client));
    const home = await passwordLogin(agent, `${stack.portalUrl}/u/alpha/`, 'proxied-member', 'proxied-pass-1');
    expect(home.url).toBe(`${stack.portalUrl}/u/alpha/`);

    const sessions = await listSessions(stack.database.db, 'alpha', accountId);
    expect(sessions).toHaveLength(1);
    expect(sessions[0].ip).toBe(client);
    const audit = await auditRows(stack, { action: 'login.password', target: accountId }, 1);
    expect(audit.map((r) => r.ip)).toEqual([client]);
    expect(await stack.database.db('audit_log').whereIn('ip', ['203.0.113.66', '10.0.0.1'])).toEqual([]);
  });

  test('X-Forwarded-Proto from the trusted proxy makes cookies Secure (Koa and oidc-provider read the same context)', async () => {
    const response = await fetch(`${stack.unions.alpha.issuer}/recovery/password`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(response.headers.getSetCookie().find((c) => c.startsWith('kenpo_recovery='))).toMatch(/;\s*secure/i);
  });
});

describe('TRUST_PROXY as a list of proxy addresses and networks', () => {
  let stack: TestStack;
  beforeAll(async () => { stack = await startStack({ env: { TRUST_PROXY: '127.0.0.1, 10.0.0.0/8, ::1' } }); });
  afterAll(async () => { await stack.close(); });

  test('a forged entry that looks like a proxy is not skipped past the real client', async () => {
    // client → edge proxy 10.0.0.1 → proxy on loopback → IdP; the client wrote the first two entries.
    const chain = '198.51.100.99, 10.9.9.9, 198.51.100.30, 10.0.0.1';
    await requestReset(stack.unions.alpha.issuer, 'chain-nobody', chain);
    const [row] = await auditRows(stack, { action: 'recovery.password.requested', target: 'chain-nobody' }, 1);
    expect(row.ip).toBe('198.51.100.30');
  });
});

/** A bare app behind the given TRUST_PROXY, answering with what it takes the client to be. */
async function serve(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

const koaApp = (trustProxy: string) => {
  const app = new Koa({ proxy: true });
  app.use(trustedForwarding(parseTrustProxy(trustProxy)));
  app.use((ctx) => { ctx.body = { ip: ctx.ip, secure: ctx.secure, host: ctx.host }; });
  return app.callback();
};

const portalApp = (trustProxy: string) => {
  const app = express();
  applyProxyTrust(app, parseTrustProxy(trustProxy));
  app.get('/', (req, res) => { res.json({ ip: req.ip, secure: req.secure, host: req.host }); });
  return app;
};

describe.each([['IdP (Koa)', koaApp], ['portal (Express)', portalApp]] as const)('%s', (_name, build) => {
  const ask = async (trustProxy: string, headers: Record<string, string>) => {
    const app = await serve(build(trustProxy) as http.RequestListener);
    try {
      return await (await fetch(app.url, { headers })).json() as { ip: string; secure: boolean; host: string };
    } finally {
      await app.close();
    }
  };
  const headers = { 'x-forwarded-for': '203.0.113.5, 10.0.0.7, 198.51.100.40', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.example' };

  test('one trusted hop: the right-most entry; X-Forwarded-Proto honoured', async () => {
    expect(await ask('1', headers)).toMatchObject({ ip: '198.51.100.40', secure: true });
  });

  test('two hops: one further left, never the client-written left-most', async () => {
    expect((await ask('2', headers)).ip).toBe('10.0.0.7');
  });

  test('a peer outside the trusted networks (a client around the proxy) is the client; its headers count for nothing', async () => {
    expect(await ask('10.0.0.0/8, fd00::/8', headers)).toMatchObject({ ip: '127.0.0.1', secure: false });
    expect((await ask('10.0.0.0/8', headers)).host).not.toBe('evil.example');
  });

  test('no TRUST_PROXY: the socket address only', async () => {
    expect(await ask('', headers)).toMatchObject({ ip: '127.0.0.1', secure: false });
  });
});
