import type Provider from 'oidc-provider';
import type { Database } from '../../migrations/database.js';
import { inspectLink, type LinkPurpose, type LinkStatus } from '../accounts/one-time-links.js';
import { recordAudit, type AuditEntry } from '../../audit/audit-log.js';
import { clientIp, type UnionContext } from '../http/context.js';
import type { Mailer } from '../../mail/mailer.js';
import type { Locale } from '../../i18n/locale.js';
import { localeOf, type IdpSaid } from '../i18n/text.js';
import { composeMail, mailRecipient } from '../mail/templates.js';
import type { Union } from '../unions/union-repository.js';
import { runDetached } from './detached.js';

/** What the recovery modules need from a request (nothing of Koa, so they stay testable on their own). */
export interface RecoveryDeps {
  db: Database;
  mailer: Mailer;
  union: Union;
  /** The union's issuer: tells relying parties about the sessions a reset ends (back-channel logout). */
  provider: Provider;
  /** `<base>/u/<slug>`: where mailed links point. */
  issuerUrl: string;
  ip: string;
  /** The page's language: the member's mails are in it unless they chose one (言語). */
  locale: Locale;
}

export const recoveryDeps = (ctx: UnionContext): RecoveryDeps => ({
  db: ctx.state.db, mailer: ctx.state.mailer, union: ctx.state.issuer.union, provider: ctx.state.issuer.provider,
  issuerUrl: ctx.state.issuer.provider.issuer, ip: clientIp(ctx), locale: localeOf(ctx),
});

/** One audit entry; `accountId` when the account is known, otherwise what was typed in as the target. */
export function auditRecovery(
  deps: RecoveryDeps,
  entry: { action: string; outcome: AuditEntry['outcome']; accountId?: string; typed?: string; detail?: Record<string, unknown> },
): Promise<void> {
  return recordAudit(deps.db, {
    unionSlug: deps.union.slug, actor: entry.accountId ? `member:${entry.accountId}` : 'anonymous', action: entry.action,
    target: entry.accountId ?? entry.typed?.slice(0, 255) ?? null, outcome: entry.outcome, ip: deps.ip, detail: entry.detail,
  });
}

/**
 * Queues a mail from the union's no-reply sender, in the member's language; the page never waits
 * for (or fails with) SMTP.
 */
export function mailLater(
  deps: RecoveryDeps,
  member: { email: string; language: string | null },
  template: string,
  subject: IdpSaid,
  locals: Record<string, unknown>,
): void {
  runDetached(`${template} mail`, async () => {
    const to = mailRecipient(member.email, member.language, deps.locale);
    await deps.mailer.send(await composeMail(deps.union, 'noReply', to, template, subject, locals));
  });
}

export type InvalidLink = { kind: 'invalid'; status: Exclude<LinkStatus, 'valid'> };

/** Opening a mailed link (GET) only looks at it: mail scanners open links too. */
export async function checkLink(deps: RecoveryDeps, purpose: LinkPurpose, token: string): Promise<InvalidLink | { kind: 'valid' }> {
  const { status } = await inspectLink(deps.db, deps.union.slug, purpose, token);
  return status === 'valid' ? { kind: 'valid' } : { kind: 'invalid', status };
}
