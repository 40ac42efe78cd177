import type Provider from 'oidc-provider';
import type { Database } from '../../migrations/database.js';
import { requestAttention } from '../accounts/account-repository.js';
import { consumeLink, inspectLink, type LinkStatus } from '../accounts/one-time-links.js';
import { endAllSessions } from '../accounts/sessions.js';
import { recordAudit } from '../../audit/audit-log.js';
import { queueBackchannelLogouts, wakeBackchannelWorker } from '../oidc/backchannel-logout.js';
import { endAllConsoleSessions } from './console-session.js';
import type { IdpSaid } from '../i18n/text.js';

/**
 * 「お心当たりがない場合」 in a factor-change notice (mfa/factor-notice.ts): whoever changed the factor
 * may be signed in, so every session of the account ends and the union is asked to look at it.
 */
export const REPORT_PURPOSE = 'report_factor_change' as const;

export const INVALID_REPORT_LINK: Record<Exclude<LinkStatus, 'valid'>, IdpSaid> = {
  used: 'console.report.linkUsed', expired: 'console.report.linkExpired', superseded: 'console.report.linkSuperseded', unknown: 'recovery.link.unknown',
};

const shorten = (token: string) => token.slice(0, 100);

/** Looks at the link without using it (a mail scanner's GET). */
export async function checkReportLink(db: Database, unionSlug: string, token: string): Promise<LinkStatus> {
  return (await inspectLink(db, unionSlug, REPORT_PURPOSE, shorten(token))).status;
}

/** Uses the link: ends every IdP and console session, revokes grants and tokens, tells relying parties, flags the account. */
export async function reportFactorChange(
  deps: { db: Database; unionSlug: string; provider: Provider; ip: string },
  token: string,
): Promise<{ kind: 'done' } | { kind: 'invalid'; message: IdpSaid }> {
  const { db, unionSlug } = deps;
  const { status, link } = await consumeLink(db, unionSlug, REPORT_PURPOSE, shorten(token));
  if (status !== 'valid' || !link) return { kind: 'invalid', message: INVALID_REPORT_LINK[status as Exclude<LinkStatus, 'valid'>] };
  const accountId = link.accountId;
  const { ended, relyingParties } = await db.transaction(async (trx) => {
    const sessions = await endAllSessions(trx, unionSlug, accountId);
    await endAllConsoleSessions(trx, unionSlug, accountId);
    await requestAttention(trx, accountId);
    return { ended: sessions, relyingParties: await queueBackchannelLogouts(trx, deps.provider, sessions) };
  });
  wakeBackchannelWorker(relyingParties);
  await recordAudit(db, {
    unionSlug, actor: `member:${accountId}`, action: 'account.change_reported', target: accountId, outcome: 'success', ip: deps.ip,
    detail: { reported: link.payload, endedSessions: ended.length, relyingParties },
  });
  return { kind: 'done' };
}
