import type { Database } from '../../migrations/database.js';
import type { Account } from '../accounts/account-repository.js';
import { deviceParts } from '../accounts/device-name.js';
import { createLink } from '../accounts/one-time-links.js';
import { recordAudit } from '../../audit/audit-log.js';
import type { Mailer } from '../../mail/mailer.js';
import type { Locale } from '../../i18n/locale.js';
import { idpText, type IdpText } from '../i18n/text.js';
import { composeMail, mailRecipient } from '../mail/templates.js';
import type { Union } from '../unions/union-repository.js';

export type FactorChangeKind = 'added' | 'removed' | 'reset' | 'recovery_codes_generated' | 'recovery_code_used';

export interface FactorChange {
  kind: FactorChangeKind;
  method: 'passkey' | 'totp' | 'email_otp' | 'recovery_code' | 'all';
  /** The device / passkey name. */
  label?: string;
  actor: 'member' | 'admin';
  /** The browser that made the change. */
  userAgent?: string;
  ip?: string;
  /** Recovery codes left, for recovery_code_used. */
  remaining?: number;
}

/** 「お心当たりがない場合」: the report link stays usable for a week, like the e-mail change notice. */
export const REPORT_LINK_DAYS = 7;

/** The mail's 「内容」 lines: which factor, which device and browser, when, from where. */
function details(text: IdpText, union: Union, change: FactorChange, at: Date): Array<[string, string]> {
  const rows: Array<[string, string]> = [[text.t('mail.factor.method'), text.t(`mail.factor.method.${change.method}`)]];
  if (change.label) rows.push([text.t('mail.factor.device'), change.label]);
  if (change.remaining !== undefined) rows.push([text.t('mail.factor.remaining'), text.t('mail.factor.remainingCount', { count: change.remaining })]);
  // An admin's browser says nothing useful to the member; a member-side change names the browser used.
  if (change.actor === 'admin') rows.push([text.t('mail.factor.operation'), text.t('mail.factor.byAdmin', { union: union.name })]);
  else rows.push([text.t('mail.factor.browser'), text.t('mail.device', change.userAgent ? deviceParts(change.userAgent) : {})]);
  rows.push([text.t('mail.factor.at'), text.t('mail.dateTime', { at })]);
  if (change.ip && change.actor === 'member') rows.push([text.t('mail.factor.ip'), change.ip]);
  return rows;
}

/**
 * Tells the member, at their verified address and from info@, that a second factor changed, with a
 * one-time link to report it if it was not them. A mail failure never fails the change: it is logged
 * and audited as a failure.
 */
export async function announceFactorChange(
  deps: { db: Database; mailer: Mailer; union: Union; issuerUrl: string; /** The member's page, if they made the change. */ locale?: Locale },
  account: Account,
  change: FactorChange,
): Promise<void> {
  const { db, union } = deps;
  const detail = { kind: change.kind, method: change.method, label: change.label ?? null, actor: change.actor };
  const audit = (outcome: 'success' | 'failure', extra: Record<string, unknown> = {}) => recordAudit(db, {
    unionSlug: union.slug, actor: 'system', action: 'account.factor.notice_sent', target: account.id, outcome,
    ip: change.ip ?? null, detail: { ...detail, ...extra },
  });
  if (!account.email || !account.emailVerified) {
    await audit('failure', { reason: 'no_verified_email' }).catch(() => undefined);
    return;
  }
  try {
    const { token } = await createLink(db, {
      unionSlug: union.slug, accountId: account.id, purpose: 'report_factor_change',
      ttlMs: REPORT_LINK_DAYS * 24 * 60 * 60_000, payload: { kind: change.kind, method: change.method }, supersede: false,
    });
    const to = mailRecipient(account.email, account.language, deps.locale);
    const text = idpText(to.locale);
    await deps.mailer.send(await composeMail(union, 'info', to, 'factor-changed', `mail.factor.subject.${change.kind}`, {
      summary: text.t(`mail.factor.summary.${change.kind}`, { union: union.name }), details: details(text, union, change, new Date()),
      link: `${deps.issuerUrl}/account/report/${token}`, validDays: REPORT_LINK_DAYS,
    }));
    await audit('success');
  } catch (err) {
    console.warn(`[account:${union.slug}] factor notice mail failed`, (err as Error).message);
    await audit('failure', { reason: 'mail_failed' }).catch(() => undefined);
  }
}
