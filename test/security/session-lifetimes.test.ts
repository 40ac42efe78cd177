import { listSessions } from '../../idp/accounts/sessions.js';
import { limitsOf, pastAbsoluteLimit, secondsLeft } from '../../idp/oidc/session-lifetime.js';
import { DEFAULT_POLICY, resolvePolicy } from '../../idp/unions/policy.js';
import { editMemberSession, memberSession } from '../helpers/medical.js';
import { formsOf, HttpAgent, passwordLogin, type Page } from '../helpers/http-agent.js';
import { createMemberWithLogin, startStack, type TestStack } from '../helpers/stack.js';

/**
 * The review's finding: each single sign-on moved the IdP session's expiry 14 days on, with no
 * absolute limit, and the medical pages never asked for a recent login. The clock is "moved" by
 * editing stored timestamps (the session's loginTs and expiry, the portal's auth_time): no sleeping.
 */
const MEDICAL_MAX_AGE = 300;
let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({
    policy: { mfa: { required: false }, medicalMaxAuthAgeSeconds: MEDICAL_MAX_AGE },
    portalUnion: { medicalMaxAuthAgeSeconds: MEDICAL_MAX_AGE },
  });
});
afterAll(async () => { await stack.close(); });

const db = () => stack.database.db;
const HOUR = 60 * 60;
const DAY = 24 * HOUR;
const nowSeconds = () => Math.floor(Date.now() / 1000);
const portal = (path = '/') => `${stack.portalUrl}/u/alpha${path}`;

describe('the TTL (pure, with the clock passed in)', () => {
  const l = DEFAULT_POLICY.sessionLifetimes;
  const t0 = 1_700_000_000;

  test('defaults in the spirit of Keycloak: 30 min / 10 h without ログイン状態の保存, 14 / 30 days with', () => {
    expect(l).toEqual({ idleSeconds: 30 * 60, absoluteSeconds: 10 * HOUR, rememberedIdleSeconds: 14 * DAY, rememberedAbsoluteSeconds: 30 * DAY });
    expect(limitsOf(l, { accountId: 'a', transient: true })).toEqual({ idle: 30 * 60, absolute: 10 * HOUR });
    expect(limitsOf(l, { accountId: 'a' })).toEqual({ idle: 14 * DAY, absolute: 30 * DAY });
    // No login yet: the short pair.
    expect(limitsOf(l, {})).toEqual({ idle: 30 * 60, absolute: 10 * HOUR });
  });

  test('idle, then capped by what is left of the absolute limit', () => {
    const transient = { accountId: 'a', transient: true, loginTs: t0 };
    expect(secondsLeft(l, transient, t0)).toBe(30 * 60);
    expect(secondsLeft(l, transient, t0 + 10 * HOUR - 60)).toBe(60);
    expect(secondsLeft(l, transient, t0 + 10 * HOUR)).toBe(0);
    expect(pastAbsoluteLimit(l, transient, t0 + 10 * HOUR - 1)).toBe(false);
    expect(pastAbsoluteLimit(l, transient, t0 + 10 * HOUR)).toBe(true);

    const remembered = { accountId: 'a', loginTs: t0 };
    expect(secondsLeft(l, remembered, t0 + 1 * DAY)).toBe(14 * DAY);
    expect(secondsLeft(l, remembered, t0 + 20 * DAY)).toBe(10 * DAY);
    expect(pastAbsoluteLimit(l, remembered, t0 + 20 * DAY)).toBe(false);
    expect(pastAbsoluteLimit(l, remembered, t0 + 30 * DAY)).toBe(true);
  });

  test('the union\'s own limits; an idle limit above the absolute one is cut to it', () => {
    const own = resolvePolicy({ sessionLifetimes: { idleSeconds: 600, absoluteSeconds: 3600, rememberedIdleSeconds: 99 * DAY, rememberedAbsoluteSeconds: 7 * DAY } });
    expect(own.sessionLifetimes).toEqual({ idleSeconds: 600, absoluteSeconds: 3600, rememberedIdleSeconds: 7 * DAY, rememberedAbsoluteSeconds: 7 * DAY });
    expect(resolvePolicy({ sessionLifetimes: { idleSeconds: -1, absoluteSeconds: 'long' } }).sessionLifetimes).toEqual(DEFAULT_POLICY.sessionLifetimes);
    expect(resolvePolicy({ medicalMaxAuthAgeSeconds: 300 }).medicalMaxAuthAgeSeconds).toBe(300);
    expect(resolvePolicy({}).medicalMaxAuthAgeSeconds).toBeUndefined();
  });
});

interface StoredSession { id: string; payload: { loginTs: number; transient?: boolean; exp: number }; expiresAt: number }

async function storedSession(accountId: string): Promise<StoredSession> {
  const rows = await db()('oidc_models').where({ union_slug: 'alpha', model: 'Session', account_id: accountId });
  expect(rows).toHaveLength(1);
  return { id: rows[0].id, payload: JSON.parse(rows[0].payload), expiresAt: Number(rows[0].expires_at) };
}

/** Moves the session's clock: the login `seconds` earlier (its stored expiry untouched, unless given). */
async function ageSession(accountId: string, seconds: number, expiresAt?: number): Promise<void> {
  const { id, payload } = await storedSession(accountId);
  payload.loginTs -= seconds;
  if (expiresAt !== undefined) payload.exp = Math.floor(expiresAt / 1000);
  await db()('oidc_models').where({ id }).update({ payload: JSON.stringify(payload), ...(expiresAt !== undefined ? { expires_at: expiresAt } : {}) });
}

async function logIn(agent: HttpAgent, userId: string, remember: boolean): Promise<Page> {
  const login = await agent.follow(portal('/'));
  return agent.submit(login, /\/login$/, { loginId: userId, password: `${userId}-pass-1`, ...(remember ? { remember: 'yes' } : {}) });
}

/** A new authorization at the IdP from the same browser (a second relying party would do the same). */
const signInAgain = (agent: HttpAgent) => agent.follow(portal('/login'));

const asksForLogin = (page: Page) => page.url.includes('/interaction/') && formsOf(page.html).some((f) => /\/login$/.test(f.action));
const signedInAtPortal = (page: Page) => page.status === 200 && page.url === portal('/');

/** Within a few seconds of `expected` (ms): the test's own requests take time. */
const near = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThan(10_000);

test('without ログイン状態の保存: 30 minutes idle, shown as such in the session list; single sign-on never passes the 10-hour limit', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'life-short', password: 'life-short-pass-1' });
  const agent = new HttpAgent();
  expect(signedInAtPortal(await logIn(agent, 'life-short', false))).toBe(true);

  let session = await storedSession(accountId);
  expect(session.payload.transient).toBe(true);
  near(session.expiresAt, Date.now() + 30 * 60_000);
  const [listed] = await listSessions(db(), 'alpha', accountId);
  expect(listed.expiresAt).toBe(session.expiresAt);

  // Nine hours and 59 minutes after the login, a single sign-on keeps the session one more minute, not 30.
  await ageSession(accountId, 10 * HOUR - 60);
  expect(signedInAtPortal(await signInAgain(agent))).toBe(true);
  session = await storedSession(accountId);
  near(session.expiresAt, (session.payload.loginTs + 10 * HOUR) * 1000);

  // Past ten hours (the stored expiry still ahead, as a session from before a shorter limit): log in again.
  await ageSession(accountId, 120, Date.now() + 20 * 60_000);
  const page = await signInAgain(agent);
  expect(asksForLogin(page)).toBe(true);
  expect(await db()('oidc_models').where({ union_slug: 'alpha', model: 'Session', account_id: accountId })).toEqual([]);
  // The new login starts a new session, with a fresh 10 hours.
  expect(signedInAtPortal(await agent.submit(page, /\/login$/, { loginId: 'life-short', password: 'life-short-pass-1' }))).toBe(true);
  expect(Math.abs((await storedSession(accountId)).payload.loginTs - nowSeconds())).toBeLessThan(10);
});

test('without ログイン状態の保存: 30 minutes without use end the session', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'life-idle', password: 'life-idle-pass-1' });
  const agent = new HttpAgent();
  await logIn(agent, 'life-idle', false);
  // 31 minutes later: the stored expiry (last use + 30 minutes) has passed.
  await ageSession(accountId, 31 * 60, Date.now() - 60_000);
  expect(asksForLogin(await signInAgain(agent))).toBe(true);
});

test('with ログイン状態の保存: 14 days idle and a cookie that lasts as long; still signed in after 20 days, never after 30', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'life-long', password: 'life-long-pass-1' });
  const agent = new HttpAgent();
  const cookieExpiry: string[] = [];
  const original = agent.request.bind(agent);
  agent.request = async (url, init) => {
    const page = await original(url, init);
    for (const c of page.headers.getSetCookie()) if (/^_session=/.test(c)) cookieExpiry.push(/expires=([^;]+)/i.exec(c)?.[1] ?? '');
    return page;
  };
  expect(signedInAtPortal(await logIn(agent, 'life-long', true))).toBe(true);
  let session = await storedSession(accountId);
  expect(session.payload.transient).toBeUndefined();
  near(session.expiresAt, Date.now() + 14 * DAY * 1000);
  near(Date.parse(cookieExpiry.at(-1)!), session.expiresAt);

  // 20 days after the login (used yesterday): single sign-on; what is left is 10 days, less than 14.
  await ageSession(accountId, 20 * DAY);
  expect(signedInAtPortal(await signInAgain(agent))).toBe(true);
  session = await storedSession(accountId);
  near(session.expiresAt, (session.payload.loginTs + 30 * DAY) * 1000);

  // 30 days after the login: log in again.
  await ageSession(accountId, 10 * DAY, Date.now() + DAY * 1000);
  expect(asksForLogin(await signInAgain(agent))).toBe(true);
});

describe('medical pages with the union\'s medicalMaxAuthAgeSeconds (300)', () => {
  test('a portal login older than 5 minutes is sent through the IdP with max_age, which asks for the password again', async () => {
    const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'life-medical', password: 'life-medical-pass-1' });
    const agent = new HttpAgent();
    let page = await agent.follow(portal('/medical/'));
    page = await agent.submit(page, /\/login$/, { loginId: 'life-medical', password: 'life-medical-pass-1' });
    expect(page.url).toBe(portal('/medical/'));
    expect(page.status).toBe(200);
    const authTime = (await memberSession(stack.portalDatabase.db, 'alpha', accountId))!.authTime!;
    expect(Math.abs(authTime - nowSeconds())).toBeLessThan(10);

    // Six minutes later (the portal's and the IdP's clocks both): the medical page wants a new login.
    await editMemberSession(stack.portalDatabase.db, 'alpha', accountId, (m) => { m.authTime = authTime - 360; });
    await ageSession(accountId, 360);
    const first = await agent.request(portal('/medical/'));
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toContain('fresh=1');
    const toIdp = await agent.request(new URL(first.headers.get('location')!, portal('/')).href);
    expect(new URL(toIdp.headers.get('location')!).searchParams.get('max_age')).toBe(String(MEDICAL_MAX_AGE));
    page = await agent.follow(portal('/medical/'));
    expect(asksForLogin(page)).toBe(true);
    page = await agent.submit(page, /\/login$/, { loginId: 'life-medical', password: 'life-medical-pass-1' });
    expect(page.url).toBe(portal('/medical/'));
    expect((await memberSession(stack.portalDatabase.db, 'alpha', accountId))!.authTime!).toBeGreaterThanOrEqual(nowSeconds() - 10);

    // Pages that are not medical do not ask.
    await editMemberSession(stack.portalDatabase.db, 'alpha', accountId, (m) => { m.authTime = nowSeconds() - 3600; });
    expect(signedInAtPortal(await agent.follow(portal('/')))).toBe(true);
  });

  test('a recent IdP login but a portal session of unknown age: a round trip through the IdP, no password', async () => {
    const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'life-medical2', password: 'life-medical2-pass-1' });
    const agent = new HttpAgent();
    await passwordLogin(agent, portal('/medical/'), 'life-medical2', 'life-medical2-pass-1');
    await editMemberSession(stack.portalDatabase.db, 'alpha', accountId, (m) => { delete m.authTime; });
    const page = await agent.follow(portal('/medical/'));
    expect(page.url).toBe(portal('/medical/'));
    expect(page.status).toBe(200);
    expect((await memberSession(stack.portalDatabase.db, 'alpha', accountId))!.authTime).toBeDefined();
  });
});
