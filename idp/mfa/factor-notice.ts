import type { Database } from '../../migrations/database.js';
import type { Account } from '../accounts/account-repository.js';
import { describeDevice } from '../accounts/device-name.js';
import { idpText } from '../i18n/text.js';
import { createLink } from '../accounts/one-time-links.js';
import { recordAudit } from '../audit/audit-log.js';
import type { Mailer } from '../mail/mailer.js';
import { composeMail } from '../mail/templates.js';
import type { Union } from '../unions/union-repository.js';
import { FACTOR_LABELS } from './factors.js';

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

const METHOD_LABELS: Record<FactorChange['method'], string> = { ...FACTOR_LABELS, all: 'すべての二要素認証' };

const SUBJECTS: Record<FactorChangeKind, string> = {
  added: '認証方法追加のお知らせ',
  removed: '認証方法削除のお知らせ',
  reset: '認証方法リセットのお知らせ',
  recovery_codes_generated: 'リカバリーコード発行のお知らせ',
  recovery_code_used: 'リカバリーコード使用のお知らせ',
};

function summary(union: Union, change: FactorChange): string {
  const service = `${union.name} Webサービス`;
  switch (change.kind) {
    case 'added': return `${service}のログインに使う認証方法が追加されました。`;
    case 'removed': return `${service}のログインに使う認証方法が削除されました。`;
    case 'reset': return `${union.name}の管理者により、${service}の二要素認証の設定がリセットされました。次回ログイン時に認証方法をもう一度設定していただきます。`;
    case 'recovery_codes_generated': return `${service}のリカバリーコードが新しく発行されました。以前のリカバリーコードは使用できなくなりました。`;
    case 'recovery_code_used': return `${service}へのログインにリカバリーコードが使用されました。`;
  }
}

const JST = new Intl.DateTimeFormat('ja-JP', {
  timeZone: 'Asia/Tokyo', year: 'numeric', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
});

/** 2026年12月1日 22:15 (JST), whatever the server's time zone. */
export function formatJst(at: Date): string {
  const parts = JST.formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}年${part('month')}月${part('day')}日 ${part('hour')}:${part('minute')}`;
}

/** The mail's 「内容」 lines: which factor, which device and browser, when, from where. */
function details(union: Union, change: FactorChange, at: Date): Array<[string, string]> {
  const rows: Array<[string, string]> = [['認証方法', METHOD_LABELS[change.method]]];
  if (change.label) rows.push(['デバイス名', change.label]);
  if (change.remaining !== undefined) rows.push(['残りのリカバリーコード', `${change.remaining}個`]);
  // An admin's browser says nothing useful to the member; a member-side change names the browser used.
  if (change.actor === 'admin') rows.push(['操作', `${union.name}の管理者による操作`]);
  else rows.push(['ブラウザ', change.userAgent ? idpText('ja').say(describeDevice(change.userAgent)) : '不明なブラウザ']);
  rows.push(['日時', `${formatJst(at)}（日本時間）`]);
  if (change.ip && change.actor === 'member') rows.push(['IPアドレス', change.ip]);
  return rows;
}

/**
 * Tells the member, at their verified address and from info@, that a second factor changed, with a
 * one-time link to report it if it was not them. A mail failure never fails the change: it is logged
 * and audited as a failure.
 */
export async function announceFactorChange(
  deps: { db: Database; mailer: Mailer; union: Union; issuerUrl: string },
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
    const at = new Date();
    await deps.mailer.send(await composeMail(union, 'info', account.email, 'factor-changed', SUBJECTS[change.kind], {
      summary: summary(union, change), details: details(union, change, at),
      link: `${deps.issuerUrl}/account/report/${token}`, validDays: REPORT_LINK_DAYS,
    }));
    await audit('success');
  } catch (err) {
    console.warn(`[account:${union.slug}] factor notice mail failed`, (err as Error).message);
    await audit('failure', { reason: 'mail_failed' }).catch(() => undefined);
  }
}
