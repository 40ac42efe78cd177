import { forUpdate, type Database } from '../migrations/database.js';

// A rolling portal session can outlive its 30 minutes; no IdP session (sid) outlives 14 days.
const KEEP_MS = 14 * 24 * 60 * 60 * 1000;

/**
 * Which portal session holds a member's login through which IdP session (the ID token's `sid`), so
 * that the IdP's back-channel logout can end exactly those logins.
 */
export async function recordLogin(db: Database, login: { slug: string; idpSid: string; portalSid: string; sub: string }): Promise<void> {
  await db('portal_session_logins')
    .insert({ union_slug: login.slug, idp_sid: login.idpSid, portal_sid: login.portalSid, sub: login.sub, expires_at: Date.now() + KEEP_MS })
    .onConflict(['union_slug', 'idp_sid', 'portal_sid']).ignore();
}

/**
 * Removes the union's member from every portal session holding this IdP session (or, without a sid,
 * any session of this subject); a portal session left with no member at all is deleted. Returns how
 * many portal sessions were affected.
 */
export async function endLogins(db: Database, slug: string, match: { sid?: string; sub?: string }): Promise<number> {
  return db.transaction(async (trx) => {
    const logins = trx('portal_session_logins').where({ union_slug: slug })
      .andWhere(match.sid ? { idp_sid: match.sid } : { sub: match.sub });
    const portalSids = [...new Set((await logins.clone().select('portal_sid')).map((r: { portal_sid: string }) => r.portal_sid))];
    for (const sid of portalSids) {
      // Held against a concurrent save of the same session.
      const row: { data: string } | undefined = await forUpdate(trx, trx('portal_sessions').where({ sid })).first('data');
      if (!row) continue;
      const data = JSON.parse(row.data) as { members?: Record<string, { sub: string }> };
      if (!data.members?.[slug] || (match.sub && data.members[slug].sub !== match.sub)) continue;
      delete data.members[slug];
      if (Object.keys(data.members).length === 0) await trx('portal_sessions').where({ sid }).delete();
      else await trx('portal_sessions').where({ sid }).update({ data: JSON.stringify(data) });
    }
    await logins.clone().delete();
    return portalSids.length;
  });
}

export function purgeExpiredLogins(db: Database): Promise<number> {
  return db('portal_session_logins').where('expires_at', '<=', Date.now()).delete();
}
