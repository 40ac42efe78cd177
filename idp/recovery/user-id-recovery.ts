import { findAccount, updateAccount } from '../accounts/account-repository.js';
import { emailFormatErrors } from '../accounts/field-rules.js';
import { consumeLink, createLink } from '../accounts/one-time-links.js';
import { unlock } from '../accounts/lockout.js';
import { hashPassword } from '../accounts/password-hasher.js';
import { endSessionsAfterChange } from '../accounts/session-ending.js';
import { generateTemporaryPassword } from '../accounts/temporary-credentials.js';
import { claimRecoveryMail } from './cooldown.js';
import { auditRecovery, mailLater, type InvalidLink, type RecoveryDeps } from './recovery-context.js';
import type { IdpSaid } from '../i18n/text.js';

/** ユーザIDを忘れた場合: the mailed link is valid 1 hour and once; a newer mail supersedes it. */
export const USER_ID_LINK_MINUTES = 60;
/** The パスワード初期化 button of the page that link opens works once, for this long. */
export const TEMPORARY_PASSWORD_GRANT_MINUTES = 10;

export interface UserIdRequest {
  /** YYYYMMDD */
  birthdate: string;
  email: string;
}

/** Format problems only (they say nothing about any account). */
export function readUserIdRequest(form: Record<string, string>): { request: UserIdRequest; errors: IdpSaid[] } {
  const birthdate = (form.birthdate ?? '').normalize('NFKC').trim();
  const email = (form.email ?? '').normalize('NFKC').trim().toLowerCase();
  const errors: IdpSaid[] = /^\d{8}$/.test(birthdate) ? [] : ['recovery.userId.birthdateFormat'];
  errors.push(...emailFormatErrors(email));
  return { request: { birthdate, email }, errors };
}

/**
 * The detached half of a forgot-user-ID request: when an account of the union has this verified
 * address and its member this birthdate, mails a one-time link to the page showing the user ID.
 * A wrong birthdate does not count toward the lockout (anyone knowing the address could lock the
 * account); the rate limits and the neutral answer leave nothing to guess against.
 * At most one such mail per cooldown (cooldown.ts); a wrong birthdate sends none, so it starts none.
 */
export async function mailUserIdLink(deps: RecoveryDeps, request: UserIdRequest, withinLimits: boolean): Promise<void> {
  const audit = (outcome: 'success' | 'failure' | 'denied', accountId?: string, reason?: string) => auditRecovery(deps, {
    action: 'recovery.user_id.requested', outcome, accountId, typed: request.email, detail: reason ? { reason } : undefined,
  });
  if (!withinLimits) return audit('denied', undefined, 'rate_limited');
  const found = await deps.db('accounts')
    .join('members', 'members.id', 'accounts.member_id')
    .where({ 'accounts.union_slug': deps.union.slug, 'accounts.email': request.email })
    .whereNotNull('accounts.email_verified_at')
    .first('accounts.id as accountId', 'accounts.user_id as userId', 'members.birthdate as birthdate', 'accounts.language as language');
  if (!found) return audit('failure', undefined, 'unknown_email');
  if (String(found.birthdate).replaceAll('-', '') !== request.birthdate) return audit('failure', found.accountId, 'birthdate_mismatch');
  if (!found.userId) return audit('failure', found.accountId, 'no_user_id');
  if (!await claimRecoveryMail(deps.db, found.accountId, 'user_id')) return audit('denied', found.accountId, 'cooldown');
  const { token } = await createLink(deps.db, {
    unionSlug: deps.union.slug, accountId: found.accountId, purpose: 'recover_user_id', ttlMs: USER_ID_LINK_MINUTES * 60_000,
  });
  await audit('success', found.accountId);
  mailLater(deps, { email: request.email, language: found.language }, 'recover-user-id', 'mail.recoverUserId.subject', {
    link: `${deps.issuerUrl}/recovery/user-id/${token}`, validMinutes: USER_ID_LINK_MINUTES,
  });
}

/**
 * Uses the link (the page's button) and returns the user ID to show, with a short-lived single-use
 * grant for that page's パスワード初期化 button: only a browser that has just used the link holds it.
 */
export async function useUserIdLink(deps: RecoveryDeps, token: string): Promise<InvalidLink | { kind: 'shown'; userId: string; grant: string }> {
  const { status, link } = await consumeLink(deps.db, deps.union.slug, 'recover_user_id', token);
  const account = link && await findAccount(deps.db, deps.union.slug, link.accountId);
  if (status !== 'valid' || !account?.userId) {
    const reason = status === 'valid' ? 'unknown' : status;
    await auditRecovery(deps, { action: 'recovery.user_id.shown', outcome: 'failure', accountId: account?.id, detail: { reason: `link_${reason}` } });
    return { kind: 'invalid', status: reason };
  }
  const { token: grant } = await createLink(deps.db, {
    unionSlug: deps.union.slug, accountId: account.id, purpose: 'issue_temporary_password',
    ttlMs: TEMPORARY_PASSWORD_GRANT_MINUTES * 60_000,
  });
  await auditRecovery(deps, { action: 'recovery.user_id.shown', outcome: 'success', accountId: account.id });
  return { kind: 'shown', userId: account.userId, grant };
}

/**
 * パスワード初期化: replaces the password with a mailed temporary one that must be changed at the
 * next login (the first-login journey's password step asks while `mustChangePassword` is set).
 */
export async function issueTemporaryPassword(deps: RecoveryDeps, grant: string): Promise<InvalidLink | { kind: 'done' }> {
  const temporaryPassword = generateTemporaryPassword();
  const passwordHash = await hashPassword(temporaryPassword);
  const { status, link } = await deps.db.transaction(async (trx) => {
    const consumed = await consumeLink(trx, deps.union.slug, 'issue_temporary_password', grant);
    if (consumed.link) {
      await updateAccount(trx, consumed.link.accountId, { passwordHash, mustChangePassword: true });
      if (deps.union.policy.passwordResetUnlocks) await unlock(trx, consumed.link.accountId);
    }
    return consumed;
  });
  if (status !== 'valid' || !link) {
    await auditRecovery(deps, { action: 'recovery.password.temporary', outcome: 'failure', detail: { reason: `grant_${status}` } });
    return { kind: 'invalid', status: status === 'valid' ? 'unknown' : status };
  }
  await auditRecovery(deps, { action: 'recovery.password.temporary', outcome: 'success', accountId: link.accountId });
  await endSessionsAfterChange(
    { db: deps.db, unionSlug: deps.union.slug, provider: deps.provider, ip: deps.ip }, { accountId: link.accountId, cause: 'temporary_password' },
  );
  const account = await findAccount(deps.db, deps.union.slug, link.accountId);
  if (account?.email) mailLater(deps, { email: account.email, language: account.language }, 'temporary-password', 'mail.temporaryPassword.subject', { temporaryPassword });
  return { kind: 'done' };
}
