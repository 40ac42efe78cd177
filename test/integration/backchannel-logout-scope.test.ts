import crypto from 'node:crypto';
import { endSessionsAfterChange } from '../../idp/accounts/session-ending.js';
import Provider from 'oidc-provider';
import { outboxQueued, queueBackchannelLogouts, sendLogoutToken } from '../../idp/oidc/backchannel-logout.js';
import { registerClient, webAppClient } from '../../idp/oidc/client-registry.js';
import { ProviderRegistry } from '../../idp/oidc/provider-registry.js';
import { settleBackchannel } from '../helpers/backchannel.js';
import { HttpAgent, passwordLogin, textOf } from '../helpers/http-agent.js';
import { createMemberWithLogin, startStack, type TestStack } from '../helpers/stack.js';

/**
 * Back-channel logout names one IdP session (its `sid`): the portal ends the logins made through
 * that session and no other. A member who logs out on the shared family PC stays logged in on the
 * phone.
 */
let stack: TestStack;
beforeAll(async () => { stack = await startStack({ policy: { mfa: { required: false } } }); });
afterAll(async () => { await stack.close(); });

const portalHome = () => `${stack.portalUrl}/u/alpha/`;

/** Is this browser still logged in to the portal by its own session (no redirect to a new login)? */
async function portalSignedIn(agent: HttpAgent): Promise<boolean> {
  await settleBackchannel(stack.database.db);
  return (await agent.request(portalHome())).status === 200;
}

test('logging out at the IdP in one browser ends that browser\'s portal login only', async () => {
  await createMemberWithLogin(stack, 'alpha', { userId: 'two-browsers', password: 'two-browsers-1' });
  const pc = new HttpAgent();
  const phone = new HttpAgent();
  for (const browser of [pc, phone]) {
    expect((await passwordLogin(browser, portalHome(), 'two-browsers', 'two-browsers-1')).url).toBe(portalHome());
    expect(await portalSignedIn(browser)).toBe(true);
  }

  // On the PC: the account console (single sign-on), then its ログアウト and ログアウトする.
  const accountPage = await pc.follow(`${stack.unions.alpha.issuer}/account/`);
  expect(textOf(accountPage.html)).toContain('アカウント管理');
  const confirm = await pc.follow(`${stack.unions.alpha.issuer}/account/logout`);
  const done = await pc.submit(confirm, /\/session\/end\/confirm$/, { logout: 'yes' });
  expect(done.status).toBe(200);

  expect(await portalSignedIn(pc)).toBe(false);
  expect(await portalSignedIn(phone)).toBe(true);
});

test('ending a member\'s sessions owes a logout to each relying party that asked for one, and wakes the sender once', async () => {
  // A second union app signed in to through the same IdP session, registered without a back-channel URI.
  const redirect = 'http://127.0.0.1:9/app/callback';
  const app = await registerClient(stack.idp.registry, 'alpha', webAppClient({ name: '保健事業アプリ', redirectUris: [redirect], postLogoutRedirectUris: [] }));
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'two-apps', password: 'two-apps-pass-1' });
  const browser = new HttpAgent();
  await passwordLogin(browser, portalHome(), 'two-apps', 'two-apps-pass-1');
  const authorize = new URL(`${stack.unions.alpha.issuer}/auth`);
  authorize.search = new URLSearchParams({
    client_id: app.clientId, redirect_uri: redirect, response_type: 'code', scope: 'openid', prompt: 'none', state: 's', nonce: 'n',
    code_challenge: crypto.createHash('sha256').update('v'.repeat(43)).digest('base64url'), code_challenge_method: 'S256',
  }).toString();
  let page = await browser.request(authorize.href);
  while (!page.headers.get('location')?.startsWith(redirect)) page = await browser.request(new URL(page.headers.get('location')!, page.url).href);
  expect(new URL(page.headers.get('location')!).searchParams.get('code')).toBeTruthy();

  let wakeUps = 0;
  const wake = () => { wakeUps += 1; };
  outboxQueued.on('queued', wake);
  try {
    const { provider } = (await stack.idp.registry.get('alpha'))!;
    const deps = { db: stack.database.db, unionSlug: 'alpha', provider, ip: '127.0.0.1' };
    expect(await endSessionsAfterChange(deps, { accountId, cause: 'password_changed' })).toEqual({ endedSessions: 1, relyingParties: { queued: 1 } });
    expect(wakeUps).toBe(1);
    const owed = await stack.database.db('backchannel_deliveries').where({ sub: accountId }).select('client_id');
    expect(owed.map((row) => row.client_id)).toEqual([stack.unions.alpha.portal.clientId]);

    // Nothing left to end: nothing owed, nobody woken.
    expect(await endSessionsAfterChange(deps, { accountId, cause: 'password_changed' })).toEqual({ endedSessions: 0, relyingParties: { queued: 0 } });
    expect(wakeUps).toBe(1);
  } finally {
    outboxQueued.off('queued', wake);
  }
});

test('a logout oidc-provider owes a relying party is queued for the worker, never sent in the request', async () => {
  // A union's issuer as another IdP process builds it: its Client class queues instead of posting.
  const { provider } = (await new ProviderRegistry(stack.idp.registry.deps).get('alpha'))!;
  const client = await provider.Client.find(stack.unions.alpha.portal.clientId) as unknown as { backchannelLogout(sub: string, sid: string): Promise<void> };
  let wakeUps = 0;
  const wake = () => { wakeUps += 1; };
  outboxQueued.on('queued', wake);
  try {
    await client.backchannelLogout('queued-sub', 'queued-sid');
  } finally {
    outboxQueued.off('queued', wake);
  }
  expect(wakeUps).toBe(1);
  expect(await stack.database.db('backchannel_deliveries').where({ sub: 'queued-sub' }).select('client_id', 'sid'))
    .toEqual([{ client_id: stack.unions.alpha.portal.clientId, sid: 'queued-sid' }]);
});

test('an issuer without the outbox installed refuses to send or queue rather than lose a logout', async () => {
  const bare = new Provider('http://127.0.0.1:9/u/bare');
  await expect(sendLogoutToken(bare, 'client', 'sub', 'sid')).rejects.toThrow('back-channel outbox not installed on this provider');
  await expect(queueBackchannelLogouts(stack.database.db, bare, [])).rejects.toThrow('back-channel outbox not installed on this provider');
});

test('the portal answers a logout token it cannot verify with 400 and ends nobody\'s login', async () => {
  await createMemberWithLogin(stack, 'alpha', { userId: 'forged-logout', password: 'forged-logout-1' });
  const browser = new HttpAgent();
  await passwordLogin(browser, portalHome(), 'forged-logout', 'forged-logout-1');
  for (const body of [new URLSearchParams({ logout_token: 'eyJhbGciOiJub25lIn0.e30.' }), new URLSearchParams({ other: 'x' }), undefined]) {
    const response = await fetch(`${stack.portalUrl}/u/alpha/backchannel-logout`, { method: 'POST', body });
    expect(response.status).toBe(400);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ error: 'invalid_request', error_description: 'invalid logout token' });
  }
  expect(await portalSignedIn(browser)).toBe(true);
});
