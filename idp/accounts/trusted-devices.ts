import crypto from 'node:crypto';
import type { Database } from '../../migrations/database.js';
import type { IdpSaid } from '../i18n/text.js';
import { describeDevice } from './device-name.js';
import type { LockScope } from './lockout.js';

/**
 * Browsers where the member completed a login (OWASP's device cookies): each keeps its own failure
 * counts, so an outsider who knows the user ID can lock the account for unknown browsers but never
 * for these. The cookie holds `<id>.<secret>`; only a SHA-256 of the secret is stored.
 */
export interface TrustedDevice {
  id: string;
  accountId: string;
  /** 「Chrome（Windows）」 */
  device: IdpSaid;
  ip: string;
  createdAt: number;
  lastUsedAt: number;
}

interface Row {
  id: string; union_slug: string; account_id: string; secret_hash: string; user_agent: string; ip: string;
  created_at: number; last_used_at: number; revoked_at: number | null; locked_at: number | null;
}

/** How long a browser stays trusted without a completed login. */
export const DEVICE_TRUST_DAYS = 180;

const hashSecret = (secret: string) => crypto.createHash('sha256').update(secret).digest('hex');
const toDevice = (r: Row): TrustedDevice => ({
  id: r.id, accountId: r.account_id, device: describeDevice(r.user_agent), ip: r.ip, createdAt: Number(r.created_at), lastUsedAt: Number(r.last_used_at),
});

export const deviceScope = (device: TrustedDevice): LockScope => ({ table: 'trusted_devices', id: device.id });

/** Parses a cookie value `<id>.<secret>`. */
export function parseDeviceCookie(value: string | undefined): { id: string; secret: string } | undefined {
  const match = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/.exec(value ?? '');
  return match ? { id: match[1], secret: match[2] } : undefined;
}

/** The device the cookie names, when it is this account's, live (not revoked, not expired) and not locked. */
export async function trustedDeviceOf(db: Database, unionSlug: string, accountId: string, cookie: { id: string; secret: string } | undefined): Promise<TrustedDevice | undefined> {
  if (!cookie) return undefined;
  const row: Row | undefined = await db('trusted_devices').where({ id: cookie.id, union_slug: unionSlug, account_id: accountId }).first();
  if (!row || row.revoked_at !== null || row.locked_at !== null) return undefined;
  if (Number(row.last_used_at) < Date.now() - DEVICE_TRUST_DAYS * 86_400_000) return undefined;
  const expected = Buffer.from(row.secret_hash);
  const actual = Buffer.from(hashSecret(cookie.secret));
  return expected.length === actual.length && crypto.timingSafeEqual(expected, actual) ? toDevice(row) : undefined;
}

/** Trusts a browser after a completed login; returns the cookie value to give it. */
export async function trustDevice(db: Database, entry: { unionSlug: string; accountId: string; userAgent: string; ip: string }): Promise<string> {
  const id = crypto.randomUUID();
  const secret = crypto.randomBytes(32).toString('base64url');
  const now = Date.now();
  await db('trusted_devices').insert({
    id, union_slug: entry.unionSlug, account_id: entry.accountId, secret_hash: hashSecret(secret),
    user_agent: entry.userAgent.slice(0, 512), ip: entry.ip.slice(0, 64), created_at: now, last_used_at: now,
  });
  return `${id}.${secret}`;
}

export async function touchDevice(db: Database, id: string, ip: string): Promise<void> {
  await db('trusted_devices').where({ id }).update({ last_used_at: Date.now(), ip: ip.slice(0, 64) });
}

/** The member's trusted browsers, newest use first (console session page, admin API). */
export async function listTrustedDevices(db: Database, unionSlug: string, accountId: string): Promise<TrustedDevice[]> {
  const rows: Row[] = await db('trusted_devices').where({ union_slug: unionSlug, account_id: accountId }).whereNull('revoked_at')
    .andWhere('last_used_at', '>=', Date.now() - DEVICE_TRUST_DAYS * 86_400_000).orderBy('last_used_at', 'desc');
  return rows.map(toDevice);
}

/** Revokes one trusted browser (or, without `id`, all of them); returns how many. */
export async function revokeTrustedDevices(db: Database, unionSlug: string, accountId: string, id?: string): Promise<number> {
  const query = db('trusted_devices').where({ union_slug: unionSlug, account_id: accountId }).whereNull('revoked_at');
  if (id) query.andWhere({ id });
  return query.update({ revoked_at: Date.now() });
}
