import {
  deviceScope, DEVICE_TRUST_DAYS, listTrustedDevices, parseDeviceCookie, revokeTrustedDevices, touchDevice, trustDevice, trustedDeviceOf,
} from '../../idp/accounts/trusted-devices.js';
import { ALPHA as UNION, createTwoUnionDatabase, newMemberAccount } from '../helpers/accounts.js';
import type { TestDatabase } from '../helpers/database.js';

/**
 * A browser where the member completed a login keeps its own failure counts. Its cookie must be the
 * whole key: this account's, in this union, with the secret whose hash is stored, not revoked, not
 * locked, used within 180 days. Anything less is an unknown browser.
 */
let database: TestDatabase;
const db = () => database.db;
const CHROME_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36';
const DAY = 86_400_000;

beforeAll(async () => { database = await createTwoUnionDatabase(); });
afterAll(() => database?.drop());

const account = () => newMemberAccount(db(), UNION);

const trust = (accountId: string, ip = '192.0.2.10') => trustDevice(db(), { unionSlug: 'alpha', accountId, userAgent: CHROME_WINDOWS, ip });

test('the cookie a login earns names this account\'s device; only the secret\'s hash is stored', async () => {
  const accountId = await account();
  const before = Date.now();
  const cookie = await trust(accountId);
  const parsed = parseDeviceCookie(cookie)!;
  const device = await trustedDeviceOf(db(), 'alpha', accountId, parsed);
  expect(device).toMatchObject({ id: parsed.id, accountId, ip: '192.0.2.10' });
  expect(device!.createdAt).toBeGreaterThanOrEqual(before);
  expect(device!.lastUsedAt).toBe(device!.createdAt);
  expect(deviceScope(device!)).toEqual({ table: 'trusted_devices', id: parsed.id });
  const row = await db()('trusted_devices').where({ id: parsed.id }).first();
  expect(JSON.stringify(row)).not.toContain(parsed.secret);
});

test('a cookie that is not the whole key is an unknown browser', async () => {
  const accountId = await account();
  const parsed = parseDeviceCookie(await trust(accountId))!;
  const wrongSecret = { id: parsed.id, secret: `${parsed.secret.slice(0, -1)}${parsed.secret.endsWith('A') ? 'B' : 'A'}` };
  expect(await trustedDeviceOf(db(), 'alpha', accountId, wrongSecret)).toBeUndefined();
  expect(await trustedDeviceOf(db(), 'alpha', accountId, { id: parsed.id, secret: 'short' })).toBeUndefined();
  expect(await trustedDeviceOf(db(), 'alpha', await account(), parsed)).toBeUndefined(); // another member's browser
  expect(await trustedDeviceOf(db(), 'beta', accountId, parsed)).toBeUndefined();
  expect(await trustedDeviceOf(db(), 'alpha', accountId, undefined)).toBeUndefined();
});

test.each([
  ['a well-formed cookie', `${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}.${'a'.repeat(43)}`, true],
  ['no secret', `${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`, false],
  ['a short secret', `${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}.${'a'.repeat(42)}`, false],
  ['a long secret', `${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}.${'a'.repeat(44)}`, false],
  ['a secret with a dot', `${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}.${'a'.repeat(42)}.`, false],
  ['an id that is not a UUID', `${'x'.repeat(36)}.${'a'.repeat(43)}`, false],
  ['something before the id', `x${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}.${'a'.repeat(43)}`, false],
  ['no cookie', undefined, false],
])('parsing %s', (_case, value, ok) => {
  expect(parseDeviceCookie(value) !== undefined).toBe(ok);
});

test('a revoked, locked or long-unused browser is unknown again', async () => {
  const accountId = await account();
  const revoked = parseDeviceCookie(await trust(accountId))!;
  const locked = parseDeviceCookie(await trust(accountId))!;
  const stale = parseDeviceCookie(await trust(accountId))!;
  const recent = parseDeviceCookie(await trust(accountId))!;
  expect(await revokeTrustedDevices(db(), 'alpha', accountId, revoked.id)).toBe(1);
  await db()('trusted_devices').where({ id: locked.id }).update({ locked_at: Date.now() });
  await db()('trusted_devices').where({ id: stale.id }).update({ last_used_at: Date.now() - DEVICE_TRUST_DAYS * DAY - 60_000 });
  await db()('trusted_devices').where({ id: recent.id }).update({ last_used_at: Date.now() - DEVICE_TRUST_DAYS * DAY + 60_000 });

  for (const cookie of [revoked, locked, stale]) expect(await trustedDeviceOf(db(), 'alpha', accountId, cookie)).toBeUndefined();
  expect(await trustedDeviceOf(db(), 'alpha', accountId, recent)).toMatchObject({ id: recent.id });
  // The console lists the live ones (a locked browser is still the member's), newest use first.
  expect((await listTrustedDevices(db(), 'alpha', accountId)).map((d) => d.id)).toEqual([locked.id, recent.id]);
});

test('using a browser moves it up and records its address; revoking all of them leaves none', async () => {
  const accountId = await account();
  const first = parseDeviceCookie(await trust(accountId, '192.0.2.1'))!;
  const second = parseDeviceCookie(await trust(accountId, '192.0.2.2'))!;
  await db()('trusted_devices').where({ id: first.id }).update({ last_used_at: Date.now() - DAY });
  await db()('trusted_devices').where({ id: second.id }).update({ last_used_at: Date.now() - 2 * DAY });
  expect((await listTrustedDevices(db(), 'alpha', accountId)).map((d) => d.id)).toEqual([first.id, second.id]);

  await touchDevice(db(), second.id, '198.51.100.20');
  const listed = await listTrustedDevices(db(), 'alpha', accountId);
  expect(listed.map((d) => [d.id, d.ip])).toEqual([[second.id, '198.51.100.20'], [first.id, '192.0.2.1']]);
  expect(listed[0].lastUsedAt).toBeGreaterThan(Date.now() - 60_000);
  expect(await listTrustedDevices(db(), 'beta', accountId)).toEqual([]);

  const other = await account();
  await trust(other);
  expect(await revokeTrustedDevices(db(), 'alpha', accountId)).toBe(2);
  expect(await revokeTrustedDevices(db(), 'alpha', accountId)).toBe(0);
  expect(await listTrustedDevices(db(), 'alpha', accountId)).toEqual([]);
  expect(await listTrustedDevices(db(), 'alpha', other)).toHaveLength(1);
});

test('an over-long user agent and address are cut to their columns', async () => {
  const accountId = await account();
  const { id } = parseDeviceCookie(await trustDevice(db(), { unionSlug: 'alpha', accountId, userAgent: 'u'.repeat(600), ip: '1'.repeat(80) }))!;
  const row = await db()('trusted_devices').where({ id }).first('user_agent', 'ip');
  expect([row.user_agent.length, row.ip.length]).toEqual([512, 64]);
  await touchDevice(db(), id, '2'.repeat(80));
  expect((await db()('trusted_devices').where({ id }).first('ip')).ip).toBe('2'.repeat(64));
});
