import type { Database } from '../../migrations/database.js';

export interface AccountSession {
  /** oidc-provider's fixed session uid. */
  uid: string;
  loginAt: number | null;
  acr: string | null;
  amr: string[];
  expiresAt: number | null;
}

/**
 * The member's live IdP sessions, read from the oidc-provider Session rows of the union (the
 * adapter keeps the account id beside each payload).
 */
export async function listSessions(db: Database, unionSlug: string, accountId: string): Promise<AccountSession[]> {
  const rows = await db('oidc_models')
    .where({ union_slug: unionSlug, model: 'Session', account_id: accountId })
    .andWhere((q) => q.whereNull('expires_at').orWhere('expires_at', '>', Date.now()))
    .select('payload', 'expires_at');
  return rows.map((row: { payload: string; expires_at: number | null }) => {
    const payload = JSON.parse(row.payload) as { uid: string; loginTs?: number; acr?: string; amr?: string[] };
    return {
      uid: payload.uid, loginAt: payload.loginTs ? payload.loginTs * 1000 : null, acr: payload.acr ?? null,
      amr: payload.amr ?? [], expiresAt: row.expires_at,
    };
  }).sort((a, b) => (b.loginAt ?? 0) - (a.loginAt ?? 0));
}

/**
 * Ends every session of the account and revokes what they issued (grants, codes, access and refresh
 * tokens): the member must log in again everywhere. Returns how many artifacts were removed.
 */
export async function endAllSessions(db: Database, unionSlug: string, accountId: string): Promise<number> {
  return db('oidc_models').where({ union_slug: unionSlug, account_id: accountId }).whereNot({ model: 'Client' }).delete();
}
