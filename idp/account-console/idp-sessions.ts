import type { Database } from '../../migrations/database.js';

/**
 * The member's IdP sessions as oidc-provider stored them through our adapter (oidc_models rows of
 * the union, with the account id beside each payload — as idp/accounts/sessions.ts reads them).
 */
interface SessionPayload { uid: string; authorizations?: Record<string, { grantId?: string }> }

async function sessionRows(db: Database, unionSlug: string, accountId: string) {
  const rows: Array<{ id: string; payload: string }> = await db('oidc_models')
    .where({ union_slug: unionSlug, model: 'Session', account_id: accountId }).select('id', 'payload');
  return rows.map((r) => ({ id: r.id, payload: JSON.parse(r.payload) as SessionPayload }));
}

const grantsOf = (p: SessionPayload) => Object.values(p.authorizations ?? {}).map((a) => a.grantId).filter((g): g is string => Boolean(g));

/** The grant behind an access token the console received (opaque: the token is its id; JWT: its jti). */
export async function grantOfAccessToken(db: Database, unionSlug: string, accessToken: string): Promise<string | undefined> {
  let id = accessToken;
  const parts = accessToken.split('.');
  if (parts.length === 3) {
    try { id = String(JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')).jti); } catch { /* opaque after all */ }
  }
  const row = await db('oidc_models').where({ union_slug: unionSlug, model: 'AccessToken', id }).first('grant_id');
  return row?.grant_id ?? undefined;
}

/** The uid of the IdP session that holds this grant (the browser's own session). */
export async function sessionUidOfGrant(db: Database, unionSlug: string, accountId: string, grantId: string): Promise<string | undefined> {
  return (await sessionRows(db, unionSlug, accountId)).find((s) => grantsOf(s.payload).includes(grantId))?.payload.uid;
}

export async function sessionExists(db: Database, unionSlug: string, uid: string): Promise<boolean> {
  return Boolean(await db('oidc_models').where({ union_slug: unionSlug, model: 'Session', uid }).first('id'));
}

/** Ends one IdP session of the member and revokes what its grants issued (codes, access and refresh tokens). */
export async function endSession(db: Database, unionSlug: string, accountId: string, uid: string): Promise<boolean> {
  const session = (await sessionRows(db, unionSlug, accountId)).find((s) => s.payload.uid === uid);
  if (!session) return false;
  const grants = grantsOf(session.payload);
  await db.transaction(async (trx) => {
    if (grants.length) {
      await trx('oidc_models').where({ union_slug: unionSlug }).whereIn('grant_id', grants).delete();
      await trx('oidc_models').where({ union_slug: unionSlug, model: 'Grant' }).whereIn('id', grants).delete();
    }
    await trx('oidc_models').where({ union_slug: unionSlug, model: 'Session', id: session.id }).delete();
  });
  return true;
}

/**
 * 全てのデバイスからサインアウトする: ends every session of the account except `keepUid` and revokes
 * every grant and token of the account (refresh tokens included) except those of the kept session's
 * `keepGrantId` (the console itself). Returns how many sessions ended.
 */
export async function endOtherSessions(db: Database, unionSlug: string, accountId: string, keepUid: string | undefined, keepGrantId?: string): Promise<number> {
  const others = (await sessionRows(db, unionSlug, accountId)).filter((s) => s.payload.uid !== keepUid);
  await db.transaction(async (trx) => {
    const keepGrant = keepGrantId ?? '';
    await trx('oidc_models').where({ union_slug: unionSlug, account_id: accountId })
      .whereNotIn('model', ['Client', 'Session'])
      .andWhere((q) => q.whereNull('grant_id').orWhereNot('grant_id', keepGrant))
      .andWhere((q) => q.whereNot('model', 'Grant').orWhereNot('id', keepGrant))
      .delete();
    if (others.length) await trx('oidc_models').where({ union_slug: unionSlug, model: 'Session' }).whereIn('id', others.map((s) => s.id)).delete();
  });
  return others.length;
}
