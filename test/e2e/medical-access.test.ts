import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt, importJWK, SignJWT, type JWTPayload } from 'jose';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { listAudit } from '../../audit/audit-log.js';
import { registerClient, webAppClient } from '../../idp/oidc/client-registry.js';
import { loadSigningKeys } from '../../idp/oidc/signing-keys.js';
import { createPortal } from '../../portal/app.js';
import { loadPortalConfig } from '../../portal/config.js';
import { viewingWindow } from '../../portal/medical/period.js';
import { createMedicalHousehold, editMemberSession, loginAndOpen, memberSession, type MedicalHousehold } from '../helpers/medical.js';
import type { TestStack } from '../helpers/stack.js';
import { useStackAndBrowser } from '../helpers/e2e.js';

let stack: TestStack;
let browser: Browser;
let a: MedicalHousehold; // alpha, 600-80001: 甲野 一郎 (本人) and 甲野 花子 (家族)
let b: MedicalHousehold; // alpha, 600-80002: 乙川 次郎 (本人)
let betaTwin: MedicalHousehold; // beta, the same card numbers as `a`

useStackAndBrowser({ policy: { mfa: { required: false } } }, async (env) => {
  // Password-only logins; the acr test below asks for a second factor itself.
  ({ stack, browser } = env);
  a = await createMedicalHousehold(stack, 'alpha', { kigo: '600', bango: '80001' }, [
    { edaban: '00', name: '甲野 一郎', relation: '本人', birthYear: 1950, userId: 'idor-a0' },
    { edaban: '01', name: '甲野 花子', relation: '家族', birthYear: 1955, userId: 'idor-a1' },
  ]);
  b = await createMedicalHousehold(stack, 'alpha', { kigo: '600', bango: '80002' }, [
    { edaban: '00', name: '乙川 次郎', relation: '本人', birthYear: 1948, userId: 'idor-b0' },
  ]);
  betaTwin = await createMedicalHousehold(stack, 'beta', { kigo: '600', bango: '80001' }, [
    { edaban: '00', name: '丙田 三郎', relation: '本人', birthYear: 1952, userId: 'idor-beta' },
  ]);
});

const WINDOW = viewingWindow(new Date());
const everything = `/medical/search?from=${WINDOW.from}&to=${WINDOW.to}`;
const patientsShown = (page: Page) => page.locator('table.statement tbody tr td:nth-child(2)').allInnerTexts();
const inWindow = (h: MedicalHousehold, edaban?: string) => h.claims.filter((c) => (!edaban || c.patientEdaban === edaban) && c.serviceMonth >= WINDOW.from);

async function loggedIn(userId: string, path = '/medical/'): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await loginAndOpen(page, stack, userId === 'idor-beta' ? 'beta' : 'alpha', userId, path);
  return { context, page };
}

test('a 家族 sees only their own claims, whatever the URL or parameters say', async () => {
  const { context, page } = await loggedIn('idor-a1', everything);
  const own = inWindow(a, '01');
  expect(await patientsShown(page)).toEqual(own.map(() => '甲野 花子'));

  // Asking for the 本人 is refused, not widened; card parameters are ignored.
  await page.goto(`${stack.portalUrl}/u/alpha${everything}&patient=00`);
  expect(await page.getByRole('alert').innerText()).toContain('受診者は一覧から選択してください。');
  expect(await page.locator('table.statement').count()).toBe(0);
  const monthOfTheInsured = inWindow(a, '00')[0].serviceMonth;
  for (const path of [`/medical/months/${monthOfTheInsured}?edaban=00&relation=本人`, `${everything}&kigo=600&bango=80002&insurer_number=06130001`]) {
    await page.goto(`${stack.portalUrl}/u/alpha${path}`);
    expect(new Set(await patientsShown(page))).not.toContain('甲野 一郎');
    expect(await page.content()).not.toContain('乙川');
  }

  // The summary's per-patient year totals name only themself.
  await page.goto(`${stack.portalUrl}/u/alpha/medical/`);
  expect(new Set(await page.locator('table.patient-totals tbody th').allTextContents())).toEqual(new Set(['甲野 花子']));
  expect(await page.content()).not.toContain('甲野 一郎');
  await context.close();
});

test('another member\'s login sees their own household only; the same card at another union is another household', async () => {
  const { context, page } = await loggedIn('idor-b0', `${everything}&bango=80001`);
  expect(await patientsShown(page)).toEqual(inWindow(b).map(() => '乙川 次郎'));
  expect(await page.content()).not.toContain('甲野');
  await context.close();

  const beta = await loggedIn('idor-beta', everything);
  expect(await patientsShown(beta.page)).toEqual(inWindow(betaTwin).map(() => '丙田 三郎'));
  expect(await beta.page.content()).not.toContain('甲野');
  await beta.context.close();
});

describe('the access token is verified on every request', () => {
  let context: BrowserContext;
  let page: Page;
  let issuerKey: { key: CryptoKey | Uint8Array; kid: string };
  const sub = () => a.accounts['00'];
  const monthPath = () => `/medical/months/${inWindow(a, '00').at(-1)!.serviceMonth}`;
  const get = (path: string) => context.request.get(`${stack.portalUrl}/u/alpha${path}`, { maxRedirects: 0 });

  beforeAll(async () => {
    ({ context, page } = await loggedIn('idor-a0'));
    const { keys: [jwk] } = await loadSigningKeys(stack.database.db, 'alpha', stack.idp.registry.deps.box);
    issuerKey = { key: await importJWK(jwk as never, 'RS256'), kid: jwk.kid as string };
  });
  afterAll(() => context?.close());

  /** The member's real token claims, changed as the case needs. */
  async function claims(change: Partial<JWTPayload> = {}): Promise<JWTPayload> {
    const member = (await memberSession(stack.portalDatabase.db, 'alpha', sub()))!;
    return { ...decodeJwt(member.accessToken), ...change };
  }
  const sign = (payload: JWTPayload, { key, kid } = issuerKey) =>
    new SignJWT(payload).setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid }).sign(key);

  async function forgedWithOwnKey(): Promise<string> {
    const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    return sign(await claims(), { key: privateKey as never, kid: issuerKey.kid });
  }
  async function otherMembersToken(userId: string): Promise<string> {
    const other = await loggedIn(userId);
    const account = userId === 'idor-beta' ? betaTwin.accounts['00'] : b.accounts['00'];
    const token = (await memberSession(stack.portalDatabase.db, userId === 'idor-beta' ? 'beta' : 'alpha', account))!.accessToken;
    await other.context.close();
    return token;
  }
  const past = () => Math.floor(Date.now() / 1000) - 60;

  test.each([
    ['forged with another key under the issuer\'s kid', forgedWithOwnKey],
    ['unsigned (alg none)', async () => `${Buffer.from('{"alg":"none","typ":"at+jwt"}').toString('base64url')}.${Buffer.from(JSON.stringify(await claims())).toString('base64url')}.`],
    ['for another audience', async () => sign(await claims({ aud: stack.unions.alpha.portal.clientId }))],
    ['without the medical scope', async () => sign(await claims({ scope: 'openid profile' }))],
    ['for another client of the union', async () => sign(await claims({ client_id: 'alpha-someone-else' }))],
    ['of another member of the union (valid signature)', () => otherMembersToken('idor-b0')],
    ['of another union, same card numbers', () => otherMembersToken('idor-beta')],
  ])('a token %s is refused and the member is sent to log in', async (_case, makeToken) => {
    const token = await makeToken();
    await editMemberSession(stack.portalDatabase.db, 'alpha', sub(), (m) => { m.accessToken = token; });
    const response = await get(monthPath());
    expect(response.status()).toBe(303);
    expect(response.headers().location).toBe(`/u/alpha/login?returnTo=${encodeURIComponent(`/u/alpha${monthPath()}`)}`);
    expect(await response.text()).not.toContain('甲野');
    expect(await memberSession(stack.portalDatabase.db, 'alpha', sub())).toBeUndefined();
    const [entry] = await listAudit(stack.portalDatabase.db, 'alpha', { limit: 1 });
    expect(entry).toMatchObject({ actor: `member:${sub()}`, action: 'medical.token.rejected', outcome: 'denied' });

    // Logging in again (the IdP session is still there) gives a good token back.
    await page.goto(`${stack.portalUrl}/u/alpha/medical/`);
    await page.waitForURL(`${stack.portalUrl}/u/alpha/medical/`);
  });

  test('an expired token is refreshed with the refresh token; a refused refresh sends the member to log in', async () => {
    const expired = await sign(await claims({ exp: past(), iat: past() - 600 }));
    await editMemberSession(stack.portalDatabase.db, 'alpha', sub(), (m) => { m.accessToken = expired; });
    const refreshed = await get(monthPath());
    expect(refreshed.status()).toBe(200);
    expect(await refreshed.text()).toContain('甲野 一郎');
    const renewed = (await memberSession(stack.portalDatabase.db, 'alpha', sub()))!;
    expect(renewed.accessToken).not.toBe(expired);
    expect(decodeJwt(renewed.accessToken)).toMatchObject({ aud: 'urn:kenpo-id:portal', bango: '80001', sub: sub() });

    await editMemberSession(stack.portalDatabase.db, 'alpha', sub(), (m) => { m.accessToken = expired; m.refreshToken = 'not-a-refresh-token'; });
    const refused = await get(monthPath());
    expect(refused.status()).toBe(303);
    expect(refused.headers().location).toMatch(/^\/u\/alpha\/login\?returnTo=/);
    expect(await memberSession(stack.portalDatabase.db, 'alpha', sub())).toBeUndefined();
  });
});

test('a union requiring MFA: a password-only session is sent back to log in and the IdP steps up first', async () => {
  // A second portal for the same union that requires a second factor, on another host name so its
  // session cookie is its own.
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://localhost:${(server.address() as AddressInfo).port}`;
  const client = await registerClient(stack.idp.registry, 'alpha', webAppClient({
    name: 'strict portal', redirectUris: [`${url}/u/alpha/callback`], postLogoutRedirectUris: [], medical: true,
  }));
  const { app } = createPortal(loadPortalConfig({
    PORTAL_BASE_URL: url,
    PORTAL_SESSION_SECRET: crypto.randomBytes(32).toString('base64url'),
    PORTAL_UNIONS: JSON.stringify([{ slug: 'alpha', name: 'アルファ健康保険組合', issuer: stack.unions.alpha.issuer, ...client, requiredAcr: 'urn:kenpo-id:loa:mfa' }]),
    PORTAL_DATABASE_URL: stack.portalDatabase.url,
  }), stack.portalDatabase.db);
  server.on('request', app);
  const { context, page } = await loggedIn('idor-a0', '/'); // password only at the IdP
  try {
    expect((await memberSession(stack.portalDatabase.db, 'alpha', a.accounts['00']))!.acr).toBe('urn:kenpo-id:loa:password');
    // The strict portal asks the IdP for its level; the IdP session is password-only, so it asks for a code first.
    await page.goto(`${url}/u/alpha/medical/`);
    const mail = await stack.mail.next('idor-a0@example.jp', { subject: 'ワンタイムパスワードのお知らせ' });
    await page.getByLabel('ワンタイムパスワード（6桁）').fill(/ワンタイムパスワード: (\d{6})/.exec(mail.text!)![1]);
    await page.getByRole('button', { name: '実行' }).click();
    await page.waitForURL(`${url}/u/alpha/medical/`);
    await page.getByRole('heading', { name: '医療費情報', level: 1 }).waitFor();

    // A session below the union's level is sent back to log in, marked as a step-up (no loop: the
    // callback shows a page when the new login is still too weak).
    const mfa = (m: { acr?: string }) => m.acr === 'urn:kenpo-id:loa:mfa';
    await editMemberSession(stack.portalDatabase.db, 'alpha', a.accounts['00'], (m) => { m.acr = 'urn:kenpo-id:loa:password'; }, mfa);
    const response = await context.request.get(`${url}/u/alpha/medical/`, { maxRedirects: 0 });
    expect(response.status()).toBe(303);
    expect(response.headers().location).toBe(`/u/alpha/login?returnTo=${encodeURIComponent('/u/alpha/medical/')}&step_up=1`);
    expect(await response.text()).not.toContain('甲野');
  } finally {
    await context.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
