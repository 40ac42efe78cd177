import {
  endAllSessions, endOtherSessions, endSession, listSessions, recordSessionUse, sessionExists, sessionUidOfGrant,
} from '../../idp/accounts/sessions.js';
import { ALPHA as UNION, createTwoUnionDatabase, newMemberAccount } from '../helpers/accounts.js';
import type { TestDatabase } from '../helpers/database.js';

/**
 * A member's IdP sessions as the account console and the admin API see them, read from oidc-provider's
 * rows: which are live, from which browser, and what ending one, the others or all of them takes with
 * it (grants, codes, access and refresh tokens) — and never another member's or another union's.
 */
let database: TestDatabase;
const db = () => database.db;
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36';
const HOUR = 3_600_000;

beforeAll(async () => { database = await createTwoUnionDatabase(); });
afterAll(() => database?.drop());

const account = () => newMemberAccount(db(), UNION);

/** An oidc-provider Session row, with a grant per client and a token of each grant. */
async function session(accountId: string, uid: string, options: { loginTs?: number; acr?: string; amr?: string[]; grants?: string[]; expiresAt?: number | null; slug?: string } = {}) {
  const slug = options.slug ?? 'alpha';
  const grants = options.grants ?? [];
  const authorizations = Object.fromEntries(grants.map((grantId, i) => [`client-${i}`, { sid: `sid-${uid}-${i}`, grantId }]));
  await db()('oidc_models').insert({
    union_slug: slug, model: 'Session', id: `session-${uid}`, uid, account_id: accountId,
    payload: JSON.stringify({ uid, accountId, loginTs: options.loginTs, acr: options.acr, amr: options.amr, authorizations }),
    expires_at: options.expiresAt === undefined ? Date.now() + HOUR : options.expiresAt,
  });
  for (const grantId of grants) {
    await db()('oidc_models').insert([
      { union_slug: slug, model: 'Grant', id: grantId, account_id: accountId, payload: '{}', expires_at: Date.now() + HOUR },
      { union_slug: slug, model: 'AccessToken', id: `at-${grantId}`, grant_id: grantId, account_id: accountId, payload: '{}', expires_at: Date.now() + HOUR },
      { union_slug: slug, model: 'RefreshToken', id: `rt-${grantId}`, grant_id: grantId, account_id: accountId, payload: '{}', expires_at: Date.now() + HOUR },
    ]);
  }
}

const rowsOf = async (accountId: string) => (await db()('oidc_models').where({ account_id: accountId }).orderBy(['model', 'id']).select('model', 'id'))
  .map((r: { model: string; id: string }) => `${r.model}:${r.id}`);

test('the live sessions of the member, with the browser each was last used from, most recent first', async () => {
  const accountId = await account();
  const nowS = Math.floor(Date.now() / 1000);
  await session(accountId, 'stale', { loginTs: nowS - 50_000 }); // stored first, used longest ago
  await session(accountId, 'pc', { loginTs: nowS - 7200, acr: 'urn:kenpo-id:loa:mfa', amr: ['pwd', 'otp', 'mfa'] });
  await session(accountId, 'phone', { loginTs: nowS - 60 });
  await session(accountId, 'old', { loginTs: nowS - 99_999, expiresAt: Date.now() - 1 });
  await session(accountId, 'forever', { loginTs: nowS - 3600, expiresAt: null });
  await session(await account(), 'someone-else', { loginTs: nowS });
  await recordSessionUse(db(), { unionSlug: 'alpha', sessionUid: 'pc', accountId, userAgent: CHROME, ip: '192.0.2.40' });

  const sessions = await listSessions(db(), 'alpha', accountId);
  expect(sessions.map((s) => s.uid)).toEqual(['pc', 'phone', 'forever', 'stale']);
  expect(sessions[0]).toMatchObject({ loginAt: (nowS - 7200) * 1000, acr: 'urn:kenpo-id:loa:mfa', amr: ['pwd', 'otp', 'mfa'], ip: '192.0.2.40' });
  expect(sessions[0].device).not.toBeNull();
  expect(sessions[0].lastUsedAt).toBeGreaterThan(Date.now() - 60_000);
  expect(sessions[1]).toMatchObject({ acr: null, amr: [], device: null, ip: null, lastUsedAt: null });
  expect(sessions[2].expiresAt).toBeNull();
  expect(await listSessions(db(), 'beta', accountId)).toEqual([]);

  expect(await sessionExists(db(), 'alpha', 'pc')).toBe(true);
  expect(await sessionExists(db(), 'alpha', 'forever')).toBe(true);
  expect(await sessionExists(db(), 'alpha', 'old')).toBe(false);
  expect(await sessionExists(db(), 'beta', 'pc')).toBe(false);
});

test('a session is found by one of its grants', async () => {
  const accountId = await account();
  await session(accountId, 'with-grants', { grants: ['g-1', 'g-2'] });
  expect(await sessionUidOfGrant(db(), 'alpha', accountId, 'g-2')).toBe('with-grants');
  expect(await sessionUidOfGrant(db(), 'alpha', accountId, 'g-3')).toBeUndefined();
  expect(await sessionUidOfGrant(db(), 'alpha', await account(), 'g-1')).toBeUndefined();
});

test('ending one session takes its grants and tokens with it, and names the sid per client', async () => {
  const accountId = await account();
  await session(accountId, 'end-me', { grants: ['e-1'] });
  await session(accountId, 'keep-me', { grants: ['k-1'] });
  await recordSessionUse(db(), { unionSlug: 'alpha', sessionUid: 'end-me', accountId, userAgent: CHROME, ip: '192.0.2.41' });

  expect(await endSession(db(), 'alpha', accountId, 'end-me')).toEqual({ uid: 'end-me', accountId, authorizations: { 'client-0': { sid: 'sid-end-me-0', grantId: 'e-1' } } });
  expect(await rowsOf(accountId)).toEqual(['AccessToken:at-k-1', 'Grant:k-1', 'RefreshToken:rt-k-1', 'Session:session-keep-me']);
  expect(await db()('session_devices').where({ session_uid: 'end-me' })).toHaveLength(0);
  expect(await endSession(db(), 'alpha', accountId, 'end-me')).toBeUndefined();
  expect(await endSession(db(), 'alpha', await account(), 'keep-me')).toBeUndefined(); // not another member's
  expect(await sessionExists(db(), 'alpha', 'keep-me')).toBe(true);
});

test('signing out everywhere else keeps this browser\'s session and grant, and revokes every other token, offline ones too', async () => {
  const accountId = await account();
  const other = await account();
  await session(accountId, 'this-browser', { grants: ['this-grant'] });
  await session(accountId, 'stolen', { grants: ['stolen-grant'] });
  await db()('oidc_models').insert([
    { union_slug: 'alpha', model: 'Grant', id: 'offline-grant', account_id: accountId, payload: '{}', expires_at: Date.now() + HOUR },
    { union_slug: 'alpha', model: 'RefreshToken', id: 'offline-rt', grant_id: 'offline-grant', account_id: accountId, payload: '{}', expires_at: Date.now() + HOUR },
    { union_slug: 'alpha', model: 'Client', id: 'client-of-account', account_id: accountId, payload: '{}', expires_at: null },
  ]);
  await session(other, 'others', { grants: ['others-grant'] });

  const ended = await endOtherSessions(db(), 'alpha', accountId, 'this-browser', 'this-grant');
  expect(ended.map((s) => s.uid)).toEqual(['stolen']);
  expect(await rowsOf(accountId)).toEqual(['AccessToken:at-this-grant', 'Client:client-of-account', 'Grant:this-grant', 'RefreshToken:rt-this-grant', 'Session:session-this-browser']);
  expect(await rowsOf(other)).toHaveLength(4);

  // Without a grant to keep (an admin, a reset): every token goes, the kept session stays.
  await endOtherSessions(db(), 'alpha', accountId, 'this-browser');
  expect(await rowsOf(accountId)).toEqual(['Client:client-of-account', 'Session:session-this-browser']);
});

test('ending every session leaves the member nothing but their clients, in this union only', async () => {
  const accountId = await account();
  await session(accountId, 'a-1', { grants: ['a-g1'] });
  await session(accountId, 'a-2');
  await session(accountId, 'b-1', { slug: 'beta', grants: ['b-g1'] });
  await db()('oidc_models').insert({ union_slug: 'alpha', model: 'Client', id: 'client-kept', account_id: accountId, payload: '{}', expires_at: null });
  await recordSessionUse(db(), { unionSlug: 'alpha', sessionUid: 'a-1', accountId, userAgent: CHROME, ip: '192.0.2.42' });
  const other = await account();
  await session(other, 'other-1');
  await recordSessionUse(db(), { unionSlug: 'alpha', sessionUid: 'other-1', accountId: other, userAgent: CHROME, ip: '192.0.2.43' });

  const ended = await endAllSessions(db(), 'alpha', accountId);
  expect(ended.map((s) => s.uid).sort()).toEqual(['a-1', 'a-2']);
  expect(await db()('oidc_models').where({ account_id: accountId, union_slug: 'alpha' }).pluck('id')).toEqual(['client-kept']);
  expect(await db()('oidc_models').where({ account_id: accountId, union_slug: 'beta' })).toHaveLength(4);
  expect(await db()('session_devices').where({ account_id: accountId })).toHaveLength(0);
  expect((await listSessions(db(), 'alpha', other)).map((x) => [x.uid, x.ip])).toEqual([['other-1', '192.0.2.43']]);
});

test('each use records the browser and clears what expired sessions left behind', async () => {
  const accountId = await account();
  await session(accountId, 'current', { expiresAt: Date.now() + HOUR });
  await session(accountId, 'expired', { expiresAt: Date.now() - 1 });
  await session(accountId, 'live', { expiresAt: Date.now() + HOUR });
  for (const uid of ['expired', 'live']) await recordSessionUse(db(), { unionSlug: 'alpha', sessionUid: uid, accountId, userAgent: CHROME, ip: '192.0.2.43' });
  await recordSessionUse(db(), { unionSlug: 'alpha', sessionUid: 'current', accountId, userAgent: 'u'.repeat(600), ip: '9'.repeat(80) });
  await recordSessionUse(db(), { unionSlug: 'alpha', sessionUid: 'not-stored-yet', accountId, userAgent: CHROME, ip: '192.0.2.44' });

  const devices = await db()('session_devices').where({ account_id: accountId }).orderBy('session_uid').select('session_uid', 'user_agent', 'ip');
  expect(devices.map((d: { session_uid: string }) => d.session_uid)).toEqual(['current', 'live', 'not-stored-yet']);

  await recordSessionUse(db(), { unionSlug: 'alpha', sessionUid: 'current', accountId, userAgent: 'u'.repeat(600), ip: '9'.repeat(80) });
  const current = await db()('session_devices').where({ session_uid: 'current' }).first('user_agent', 'ip');
  expect([current.user_agent.length, current.ip.length]).toEqual([512, 64]);
});
