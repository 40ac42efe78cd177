import { endLogins, purgeExpiredLogins, recordLogin } from '../../portal/session-logins.js';
import { createPortalTestDatabase, type TestDatabase } from '../helpers/database.js';

/**
 * The portal's index of which browser session holds which IdP login, read when the IdP says a session
 * ended: exactly the member of that union leaves exactly the browsers that logged in through it. One
 * browser may hold members of two unions (a family in two 健保), and a browser may have been taken
 * over by another member of the same union since.
 */
let database: TestDatabase;
beforeAll(async () => { database = await createPortalTestDatabase(); });
afterAll(() => database?.drop());

const db = () => database.db;
const DAY = 24 * 60 * 60 * 1000;

/** A portal browser session holding these members (slug → sub). */
async function browser(sid: string, members: Record<string, string>): Promise<void> {
  const data = { cookie: {}, members: Object.fromEntries(Object.entries(members).map(([slug, sub]) => [slug, { sub, accessToken: 'at' }])) };
  await db()('portal_sessions').insert({ sid, data: JSON.stringify(data), expires_at: Date.now() + DAY });
}

async function membersOf(sid: string): Promise<Record<string, string> | 'gone'> {
  const row = await db()('portal_sessions').where({ sid }).first('data');
  if (!row) return 'gone';
  return Object.fromEntries(Object.entries(JSON.parse(row.data).members as Record<string, { sub: string }>).map(([slug, m]) => [slug, m.sub]));
}

const loginsOf = (sub: string) => db()('portal_session_logins').where({ sub }).orderBy('portal_sid').select('union_slug', 'idp_sid', 'portal_sid');

test('a login is recorded once for 14 days, however often the callback repeats', async () => {
  const before = Date.now();
  for (let i = 0; i < 2; i += 1) await recordLogin(db(), { slug: 'alpha', idpSid: 'idp-rec', portalSid: 'p-rec', sub: 'm-rec' });
  const rows = await db()('portal_session_logins').where({ sub: 'm-rec' });
  expect(rows).toHaveLength(1);
  expect(Number(rows[0].expires_at)).toBeGreaterThanOrEqual(before + 14 * DAY);
  expect(Number(rows[0].expires_at)).toBeLessThanOrEqual(Date.now() + 14 * DAY);
});

test('an IdP session\'s logout ends that union\'s member in the browsers it logged in, and nothing else', async () => {
  await browser('p-pc', { alpha: 'm-1' }); // only this member: the whole browser session goes
  await browser('p-tablet', { alpha: 'm-1', beta: 'b-9' }); // the member of the other union stays
  await browser('p-phone', { alpha: 'm-1' }); // logged in through another IdP session: stays
  await recordLogin(db(), { slug: 'alpha', idpSid: 'idp-home', portalSid: 'p-pc', sub: 'm-1' });
  await recordLogin(db(), { slug: 'alpha', idpSid: 'idp-home', portalSid: 'p-tablet', sub: 'm-1' });
  await recordLogin(db(), { slug: 'alpha', idpSid: 'idp-phone', portalSid: 'p-phone', sub: 'm-1' });
  await recordLogin(db(), { slug: 'beta', idpSid: 'idp-home', portalSid: 'p-tablet', sub: 'b-9' }); // the same sid at another issuer

  expect(await endLogins(db(), 'alpha', { sid: 'idp-home', sub: 'm-1' })).toBe(2);
  expect(await membersOf('p-pc')).toBe('gone');
  expect(await membersOf('p-tablet')).toEqual({ beta: 'b-9' });
  expect(await membersOf('p-phone')).toEqual({ alpha: 'm-1' });
  expect(await loginsOf('m-1')).toEqual([{ union_slug: 'alpha', idp_sid: 'idp-phone', portal_sid: 'p-phone' }]);
  expect(await loginsOf('b-9')).toEqual([{ union_slug: 'beta', idp_sid: 'idp-home', portal_sid: 'p-tablet' }]);

  // The same logout again finds nothing to do.
  expect(await endLogins(db(), 'alpha', { sid: 'idp-home', sub: 'm-1' })).toBe(0);
});

test('a logout naming only the subject ends all of that member\'s logins in the union', async () => {
  await browser('p-sub-1', { alpha: 'm-2' });
  await browser('p-sub-2', { alpha: 'm-2', beta: 'm-2' }); // the same subject string at another issuer is someone else
  await recordLogin(db(), { slug: 'alpha', idpSid: 'idp-a', portalSid: 'p-sub-1', sub: 'm-2' });
  await recordLogin(db(), { slug: 'alpha', idpSid: 'idp-b', portalSid: 'p-sub-2', sub: 'm-2' });
  await recordLogin(db(), { slug: 'beta', idpSid: 'idp-c', portalSid: 'p-sub-2', sub: 'm-2' });
  await browser('p-sub-3', { alpha: 'm-3' }); // another member of the union
  await recordLogin(db(), { slug: 'alpha', idpSid: 'idp-d', portalSid: 'p-sub-3', sub: 'm-3' });

  expect(await endLogins(db(), 'alpha', { sub: 'm-2' })).toBe(2);
  expect(await membersOf('p-sub-3')).toEqual({ alpha: 'm-3' });
  expect(await loginsOf('m-3')).toEqual([{ union_slug: 'alpha', idp_sid: 'idp-d', portal_sid: 'p-sub-3' }]);
  expect(await membersOf('p-sub-1')).toBe('gone');
  expect(await membersOf('p-sub-2')).toEqual({ beta: 'm-2' });
  expect(await loginsOf('m-2')).toEqual([{ union_slug: 'beta', idp_sid: 'idp-c', portal_sid: 'p-sub-2' }]);
});

test('a browser another member of the union has logged in to since is left to that member', async () => {
  await browser('p-shared', { alpha: 'm-later' });
  await recordLogin(db(), { slug: 'alpha', idpSid: 'idp-earlier', portalSid: 'p-shared', sub: 'm-earlier' });
  await recordLogin(db(), { slug: 'alpha', idpSid: 'idp-earlier-2', portalSid: 'p-shared', sub: 'm-earlier' });

  await endLogins(db(), 'alpha', { sid: 'idp-earlier', sub: 'm-earlier' });
  await endLogins(db(), 'alpha', { sub: 'm-earlier' });
  expect(await membersOf('p-shared')).toEqual({ alpha: 'm-later' });
  expect(await loginsOf('m-earlier')).toEqual([]);
});

test('a browser session that has gone, or has left the union already, still has its login index cleared', async () => {
  await recordLogin(db(), { slug: 'alpha', idpSid: 'idp-gone', portalSid: 'p-gone', sub: 'm-gone' });
  await browser('p-left', { beta: 'b-left' });
  await recordLogin(db(), { slug: 'alpha', idpSid: 'idp-gone', portalSid: 'p-left', sub: 'm-gone' });
  expect(await endLogins(db(), 'alpha', { sid: 'idp-gone' })).toBe(2);
  expect(await membersOf('p-left')).toEqual({ beta: 'b-left' });
  expect(await loginsOf('m-gone')).toEqual([]);
});

test('expired login records are purged, live ones kept', async () => {
  await recordLogin(db(), { slug: 'alpha', idpSid: 'idp-old', portalSid: 'p-old', sub: 'm-old' });
  await recordLogin(db(), { slug: 'alpha', idpSid: 'idp-live', portalSid: 'p-live', sub: 'm-old' });
  await db()('portal_session_logins').where({ idp_sid: 'idp-old' }).update({ expires_at: Date.now() - 1 });
  expect(await purgeExpiredLogins(db())).toBe(1);
  expect(await loginsOf('m-old')).toEqual([{ union_slug: 'alpha', idp_sid: 'idp-live', portal_sid: 'p-live' }]);
});
