import type Provider from 'oidc-provider';
import type { Database } from '../../migrations/database.js';
import { endAllConsoleSessions, endOtherConsoleSessions } from '../account-console/console-session.js';
import { recordAudit } from '../../audit/audit-log.js';
import { queueBackchannelLogouts, wakeBackchannelWorker } from '../oidc/backchannel-logout.js';
import { endAllSessions, endOtherSessions } from './sessions.js';

/** What ending sessions needs from a request: the union's issuer tells relying parties (back-channel logout). */
export interface SessionEndingDeps {
  db: Database;
  unionSlug: string;
  provider: Provider;
  ip: string;
}

/** The browser making the change through the console: it stays signed in (its IdP session, grant and console session). */
export interface KeptSession {
  idpSessionUid?: string;
  grantId?: string;
  consoleSessionId?: string;
}

/** Why sessions were ended, as the audit log records it. */
export type SessionEndingCause =
  | 'sign_out_others' | 'password_changed' | 'password_reset' | 'temporary_password' | 'email_changed'
  | 'email_restored' | 'factor_removed' | 'factor_replaced';

/**
 * After a credential change: every IdP session of the member ends (all of them, or all but `keep`),
 * with the grants, codes, access and refresh tokens they issued, every console session but the kept
 * one, and each relying party is told. Whoever held a stolen session or token is out.
 */
export async function endSessionsAfterChange(
  deps: SessionEndingDeps,
  change: { accountId: string; cause: SessionEndingCause; keep?: KeptSession },
): Promise<{ endedSessions: number; relyingParties: { queued: number } }> {
  const { db, unionSlug } = deps;
  const { accountId, keep } = change;
  const { ended, relyingParties } = await db.transaction(async (trx) => {
    const sessions = keep
      ? await endOtherSessions(trx, unionSlug, accountId, keep.idpSessionUid, keep.grantId)
      : await endAllSessions(trx, unionSlug, accountId);
    if (keep?.consoleSessionId) await endOtherConsoleSessions(trx, unionSlug, accountId, keep.consoleSessionId);
    else await endAllConsoleSessions(trx, unionSlug, accountId);
    return { ended: sessions, relyingParties: await queueBackchannelLogouts(trx, deps.provider, sessions) };
  });
  wakeBackchannelWorker(relyingParties);
  await recordAudit(db, {
    unionSlug, actor: `member:${accountId}`, action: 'account.sessions.ended', target: accountId, outcome: 'success', ip: deps.ip,
    detail: { cause: change.cause, keptCurrent: Boolean(keep), endedSessions: ended.length, relyingParties },
  });
  return { endedSessions: ended.length, relyingParties };
}
