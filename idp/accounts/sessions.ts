import type { Database } from '../../migrations/database.js';
import { forgetModelReads } from '../oidc/adapter.js';
import type { IdpSaid } from '../i18n/text.js';
import { describeDevice } from './device-name.js';

/**
 * The member's IdP sessions, read from the oidc-provider Session rows of the union (the adapter
 * keeps the account id beside each payload), with the device each was used from.
 */
export interface AccountSession {
  /** oidc-provider's fixed session uid. */
  uid: string;
  loginAt: number | null;
  acr: string | null;
  amr: string[];
  expiresAt: number | null;
  /** 「Chrome（Windows）」; null when the session predates device recording. */
  device: IdpSaid | null;
  ip: string | null;
  lastUsedAt: number | null;
}

/** What a relying party needs to hear about an ended session: its sid per client (back-channel logout). */
export interface EndedSession {
  uid: string;
  accountId: string;
  authorizations: Record<string, { sid?: string; grantId?: string }>;
}

interface SessionPayload {
  uid: string;
  loginTs?: number;
  acr?: string;
  amr?: string[];
  authorizations?: EndedSession['authorizations'];
}

type SessionRow = { id: string; payload: SessionPayload; expiresAt: number | null };

async function sessionRows(db: Database, unionSlug: string, accountId: string): Promise<SessionRow[]> {
  const rows: Array<{ id: string; payload: string; expires_at: number | null }> = await db('oidc_models')
    .where({ union_slug: unionSlug, model: 'Session', account_id: accountId })
    .andWhere((q) => q.whereNull('expires_at').orWhere('expires_at', '>', Date.now()))
    .select('id', 'payload', 'expires_at');
  return rows.map((r) => ({ id: r.id, payload: JSON.parse(r.payload) as SessionPayload, expiresAt: r.expires_at }));
}

const grantsOf = (p: SessionPayload) => Object.values(p.authorizations ?? {}).map((a) => a.grantId).filter((g): g is string => Boolean(g));
const ended = (accountId: string, rows: SessionRow[]): EndedSession[] =>
  rows.map((r) => ({ uid: r.payload.uid, accountId, authorizations: r.payload.authorizations ?? {} }));

/** The uid of the IdP session that holds this grant (the browser's own session). */
export async function sessionUidOfGrant(db: Database, unionSlug: string, accountId: string, grantId: string): Promise<string | undefined> {
  return (await sessionRows(db, unionSlug, accountId)).find((s) => grantsOf(s.payload).includes(grantId))?.payload.uid;
}

/** Whether the IdP session is still alive: an expired row (idle or absolute limit) counts as ended. */
export async function sessionExists(db: Database, unionSlug: string, uid: string): Promise<boolean> {
  return Boolean(await db('oidc_models').where({ union_slug: unionSlug, model: 'Session', uid })
    .andWhere((q) => q.whereNull('expires_at').orWhere('expires_at', '>', Date.now())).first('id'));
}

export async function listSessions(db: Database, unionSlug: string, accountId: string): Promise<AccountSession[]> {
  const rows = await sessionRows(db, unionSlug, accountId);
  const devices: Array<{ session_uid: string; user_agent: string; ip: string; last_used_at: number }> = rows.length
    ? await db('session_devices').where({ union_slug: unionSlug }).whereIn('session_uid', rows.map((r) => r.payload.uid))
      .select('session_uid', 'user_agent', 'ip', 'last_used_at')
    : [];
  const deviceOf = new Map(devices.map((d) => [d.session_uid, d]));
  return rows.map(({ payload, expiresAt }) => {
    const device = deviceOf.get(payload.uid);
    return {
      uid: payload.uid, loginAt: payload.loginTs ? payload.loginTs * 1000 : null, acr: payload.acr ?? null,
      amr: payload.amr ?? [], expiresAt,
      device: device ? describeDevice(device.user_agent) : null, ip: device?.ip ?? null, lastUsedAt: device ? Number(device.last_used_at) : null,
    };
  }).sort((a, b) => (b.lastUsedAt ?? b.loginAt ?? 0) - (a.lastUsedAt ?? a.loginAt ?? 0));
}

/**
 * Remembers the browser behind an IdP session each time it signs the member in somewhere (login or
 * single sign-on at a relying party), which is what the session list calls 「最終利用」.
 */
export async function recordSessionUse(db: Database, entry: { unionSlug: string; sessionUid: string; accountId: string; userAgent: string; ip: string }): Promise<void> {
  const now = Date.now();
  const values = { account_id: entry.accountId, user_agent: entry.userAgent.slice(0, 512), ip: entry.ip.slice(0, 64), last_used_at: now };
  await db('session_devices').insert({ union_slug: entry.unionSlug, session_uid: entry.sessionUid, first_seen_at: now, ...values })
    .onConflict(['union_slug', 'session_uid']).merge(values);
  // Sessions that simply expired (the union's idle or absolute limit) leave their row behind. The session
  // in use may not be stored yet (a first login saves it after this event).
  const alive = db('oidc_models').where({ union_slug: entry.unionSlug, model: 'Session', account_id: entry.accountId })
    .andWhere('expires_at', '>', now).select('uid');
  await db('session_devices').where({ union_slug: entry.unionSlug, account_id: entry.accountId })
    .whereNot('session_uid', entry.sessionUid).whereNotIn('session_uid', alive).delete();
}

/** Deletes sessions and everything their grants issued (codes, access and refresh tokens). */
async function endSessionRows(trx: Database, unionSlug: string, rows: SessionRow[]): Promise<void> {
  if (!rows.length) return;
  const grants = rows.flatMap((r) => grantsOf(r.payload));
  if (grants.length) {
    await trx('oidc_models').where({ union_slug: unionSlug }).whereIn('grant_id', grants).delete();
    await trx('oidc_models').where({ union_slug: unionSlug, model: 'Grant' }).whereIn('id', grants).delete();
  }
  await trx('oidc_models').where({ union_slug: unionSlug, model: 'Session' }).whereIn('id', rows.map((r) => r.id)).delete();
  await trx('session_devices').where({ union_slug: unionSlug }).whereIn('session_uid', rows.map((r) => r.payload.uid)).delete();
  forgetModelReads(unionSlug);
}

/** Ends one IdP session of the member; undefined when it no longer exists. */
export async function endSession(db: Database, unionSlug: string, accountId: string, uid: string): Promise<EndedSession | undefined> {
  const rows = (await sessionRows(db, unionSlug, accountId)).filter((s) => s.payload.uid === uid);
  await db.transaction((trx) => endSessionRows(trx, unionSlug, rows));
  return ended(accountId, rows)[0];
}

/**
 * 全てのデバイスからサインアウトする: ends every session of the account except `keepUid` and revokes
 * every grant and token of the account (refresh tokens included) except those of `keepGrantId`
 * (the console itself).
 */
export async function endOtherSessions(db: Database, unionSlug: string, accountId: string, keepUid: string | undefined, keepGrantId?: string): Promise<EndedSession[]> {
  const others = (await sessionRows(db, unionSlug, accountId)).filter((s) => s.payload.uid !== keepUid);
  const keepGrant = keepGrantId ?? '';
  await db.transaction(async (trx) => {
    await endSessionRows(trx, unionSlug, others);
    // Grants outside any session (offline refresh tokens) end too.
    await trx('oidc_models').where({ union_slug: unionSlug, account_id: accountId })
      .whereNotIn('model', ['Client', 'Session'])
      .andWhere((q) => q.whereNull('grant_id').orWhereNot('grant_id', keepGrant))
      .andWhere((q) => q.whereNot('model', 'Grant').orWhereNot('id', keepGrant))
      .delete();
  });
  return ended(accountId, others);
}

/**
 * Ends every session of the account and revokes what they issued (grants, codes, access and refresh
 * tokens): the member must log in again everywhere. Runs inside the caller's transaction if given.
 */
export async function endAllSessions(db: Database, unionSlug: string, accountId: string): Promise<EndedSession[]> {
  const rows = await sessionRows(db, unionSlug, accountId);
  await db('oidc_models').where({ union_slug: unionSlug, account_id: accountId }).whereNot({ model: 'Client' }).delete();
  await db('session_devices').where({ union_slug: unionSlug, account_id: accountId }).delete();
  forgetModelReads(unionSlug);
  return ended(accountId, rows);
}
