import {
  consumeLink, createLink, inspectLink, pendingLink, supersedeLinks, usedLinkOfChain, type LinkPurpose,
} from '../../idp/accounts/one-time-links.js';
import { ALPHA as UNION, createTwoUnionDatabase, newMemberAccount } from '../helpers/accounts.js';
import type { TestDatabase } from '../helpers/database.js';

/**
 * Mailed links on the real database: whoever holds a link's token may use it once, before it expires,
 * while it is the newest of its kind, for the union and purpose it was made for — and whoever reads the
 * database learns no token.
 */
let database: TestDatabase;
const db = () => database.db;
const MINUTE = 60_000;

beforeAll(async () => { database = await createTwoUnionDatabase(); });
afterAll(() => database?.drop());

const account = () => newMemberAccount(db(), UNION);

const link = (accountId: string, purpose: LinkPurpose = 'reset_password', extra: { ttlMs?: number; payload?: Record<string, string>; supersede?: boolean } = {}) =>
  createLink(db(), { unionSlug: 'alpha', accountId, purpose, ttlMs: extra.ttlMs ?? 30 * MINUTE, payload: extra.payload, supersede: extra.supersede });

test('a link works once, for its union and purpose, and only its hash is stored', async () => {
  const accountId = await account();
  const before = Date.now();
  const { token, link: made } = await link(accountId, 'reset_password', { payload: { chain: 'c1' } });
  expect(made).toMatchObject({ accountId, payload: { chain: 'c1' } });
  expect(made.expiresAt - made.createdAt).toBe(30 * MINUTE);
  expect(made.createdAt).toBeGreaterThanOrEqual(before);
  const stored = await db()('one_time_links').where({ id: made.id }).first();
  expect(JSON.stringify(stored)).not.toContain(token);

  expect(await inspectLink(db(), 'beta', 'reset_password', token)).toEqual({ status: 'unknown', link: undefined });
  expect(await inspectLink(db(), 'alpha', 'verify_email', token)).toEqual({ status: 'unknown', link: undefined });
  expect(await inspectLink(db(), 'alpha', 'reset_password', `${token}x`)).toEqual({ status: 'unknown', link: undefined });
  expect(await consumeLink(db(), 'beta', 'reset_password', token)).toEqual({ status: 'unknown', link: undefined });
  expect(await consumeLink(db(), 'alpha', 'verify_email', token)).toEqual({ status: 'unknown', link: undefined });

  // Looking does not use it up (a mail scanner's GET); using it does.
  expect(await inspectLink(db(), 'alpha', 'reset_password', token)).toEqual({ status: 'valid', link: made });
  expect(await consumeLink(db(), 'alpha', 'reset_password', token)).toEqual({ status: 'valid', link: made });
  expect(await consumeLink(db(), 'alpha', 'reset_password', token)).toEqual({ status: 'used', link: undefined });
  expect((await inspectLink(db(), 'alpha', 'reset_password', token)).status).toBe('used');
});

test('a link submitted twice at once works exactly once', async () => {
  const accountId = await account();
  const { token } = await link(accountId);
  const results = await Promise.all(Array.from({ length: 6 }, () => consumeLink(db(), 'alpha', 'reset_password', token)));
  expect(results.filter((r) => r.status === 'valid')).toHaveLength(1);
  expect(results.filter((r) => r.status === 'used')).toHaveLength(5);
});

test('an expired link is refused, and says so', async () => {
  const accountId = await account();
  const { token, link: made } = await link(accountId);
  await db()('one_time_links').where({ id: made.id }).update({ expires_at: Date.now() - 1 });
  expect((await inspectLink(db(), 'alpha', 'reset_password', token)).status).toBe('expired');
  expect(await consumeLink(db(), 'alpha', 'reset_password', token)).toEqual({ status: 'expired', link: undefined });
  expect(await pendingLink(db(), accountId, 'reset_password')).toBeUndefined();

  const { token: stillGood, link: later } = await link(accountId);
  await db()('one_time_links').where({ id: later.id }).update({ expires_at: Date.now() + 2_000 });
  expect((await consumeLink(db(), 'alpha', 'reset_password', stillGood)).status).toBe('valid');
});

test('a newer link of the same purpose supersedes the older ones of that account only', async () => {
  const accountId = await account();
  const otherAccount = await account();
  const first = await link(accountId);
  const verify = await link(accountId, 'verify_email');
  const others = await link(otherAccount);
  const second = await link(accountId);

  expect((await inspectLink(db(), 'alpha', 'reset_password', first.token)).status).toBe('superseded');
  expect(await consumeLink(db(), 'alpha', 'reset_password', first.token)).toEqual({ status: 'superseded', link: undefined });
  expect((await inspectLink(db(), 'alpha', 'verify_email', verify.token)).status).toBe('valid');
  expect((await inspectLink(db(), 'alpha', 'reset_password', others.token)).status).toBe('valid');
  expect(await pendingLink(db(), accountId, 'reset_password')).toEqual(second.link);

  // A used link stays used, not superseded, when a newer one is made.
  await consumeLink(db(), 'alpha', 'reset_password', second.token);
  await link(accountId);
  expect((await inspectLink(db(), 'alpha', 'reset_password', second.token)).status).toBe('used');
});

test('links made with supersede: false all keep working (each notice\'s report link)', async () => {
  const accountId = await account();
  const first = await link(accountId, 'report_factor_change', { ttlMs: 7 * 24 * 60 * MINUTE, supersede: false });
  const second = await link(accountId, 'report_factor_change', { ttlMs: 7 * 24 * 60 * MINUTE, supersede: false });
  expect((await inspectLink(db(), 'alpha', 'report_factor_change', first.token)).status).toBe('valid');
  expect((await inspectLink(db(), 'alpha', 'report_factor_change', second.token)).status).toBe('valid');
});

test('the pending link is the newest live one of its purpose', async () => {
  const accountId = await account();
  expect(await pendingLink(db(), accountId, 'verify_email')).toBeUndefined();
  const older = await link(accountId, 'report_factor_change', { supersede: false });
  const newer = await link(accountId, 'report_factor_change', { supersede: false });
  await db()('one_time_links').where({ id: older.link.id }).update({ created_at: newer.link.createdAt - 1_000 });
  expect(await pendingLink(db(), accountId, 'report_factor_change')).toEqual(newer.link);
  expect(await pendingLink(db(), accountId, 'verify_email')).toBeUndefined();
  await consumeLink(db(), 'alpha', 'report_factor_change', newer.token);
  expect((await pendingLink(db(), accountId, 'report_factor_change'))?.id).toBe(older.link.id);
});

test('a used link proves the mailbox to the login that asked for it, for a day', async () => {
  const accountId = await account();
  const purposes = ['setup_factor', 'verify_email'] as const;
  const asked = await link(accountId, 'setup_factor', { payload: { chain: 'login-1' } });
  expect(await usedLinkOfChain(db(), accountId, purposes, 'login-1')).toBe(false); // mailed, not yet used
  await consumeLink(db(), 'alpha', 'setup_factor', asked.token);
  expect(await usedLinkOfChain(db(), accountId, purposes, 'login-1')).toBe(true);
  expect(await usedLinkOfChain(db(), accountId, purposes, 'login-2')).toBe(false);
  expect(await usedLinkOfChain(db(), accountId, ['reset_password'], 'login-1')).toBe(false);
  expect(await usedLinkOfChain(db(), await account(), purposes, 'login-1')).toBe(false);

  await db()('one_time_links').where({ id: asked.link.id }).update({ created_at: Date.now() - 24 * 60 * MINUTE - 1_000 });
  expect(await usedLinkOfChain(db(), accountId, purposes, 'login-1')).toBe(false);
});

test('a cancelled change supersedes the account\'s live links of that purpose, or only the later ones', async () => {
  const accountId = await account();
  const early = await link(accountId, 'change_email', { supersede: false });
  const late = await link(accountId, 'change_email', { supersede: false });
  const used = await link(accountId, 'change_email', { supersede: false });
  await consumeLink(db(), 'alpha', 'change_email', used.token);
  await db()('one_time_links').where({ id: early.link.id }).update({ created_at: late.link.createdAt - 5_000 });

  await supersedeLinks(db(), accountId, 'change_email', { createdAfter: late.link.createdAt - 1 });
  expect((await inspectLink(db(), 'alpha', 'change_email', early.token)).status).toBe('valid');
  expect((await inspectLink(db(), 'alpha', 'change_email', late.token)).status).toBe('superseded');
  expect((await inspectLink(db(), 'alpha', 'change_email', used.token)).status).toBe('used');

  const other = await link(accountId, 'verify_email');
  await supersedeLinks(db(), accountId, 'change_email');
  expect((await inspectLink(db(), 'alpha', 'change_email', early.token)).status).toBe('superseded');
  expect((await inspectLink(db(), 'alpha', 'verify_email', other.token)).status).toBe('valid');
});
