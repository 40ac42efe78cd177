import { findAccount, normalizeLoginId, toAccount, type AccountRow } from '../accounts/account-repository.js';
import { consumeLink, createLink, inspectLink } from '../accounts/one-time-links.js';
import { lockoutState, unlock } from '../accounts/lockout.js';
import { newPasswordErrors, storeNewPassword } from '../accounts/password-change.js';
import { hashPassword } from '../accounts/password-hasher.js';
import { endSessionsAfterChange } from '../accounts/session-ending.js';
import type { Database } from '../../migrations/database.js';
import { claimRecoveryMail } from './cooldown.js';
import { auditRecovery, mailLater, type InvalidLink, type RecoveryDeps } from './recovery-context.js';
import type { IdpSaid } from '../i18n/text.js';

/** パスワードを忘れた場合: a mailed 「パスワードをリセット」 link, valid 5 minutes, single-use; a newer one supersedes it. */
export const RESET_LINK_MINUTES = 5;

/** A 「パスワードをリセット」 link for the account (superseding older ones); returns its token. */
export async function createResetLink(db: Database, unionSlug: string, accountId: string): Promise<string> {
  const { token } = await createLink(db, { unionSlug, accountId, purpose: 'reset_password', ttlMs: RESET_LINK_MINUTES * 60_000 });
  return token;
}

/**
 * The detached half of a forgot-password request (the member already has the neutral answer):
 * mails a reset link when the user ID names an account with a verified address and no reset mail
 * went to it within the cooldown. Audited either way.
 */
export async function mailResetLink(deps: RecoveryDeps, typedUserId: string, withinLimits: boolean): Promise<void> {
  const loginId = normalizeLoginId(typedUserId);
  const audit = (outcome: 'success' | 'failure' | 'denied', accountId?: string, reason?: string) => auditRecovery(deps, {
    action: 'recovery.password.requested', outcome, accountId, typed: loginId, detail: reason ? { reason } : undefined,
  });
  if (!withinLimits) return audit('denied', undefined, 'rate_limited');
  const row = await deps.db<AccountRow>('accounts').where({ union_slug: deps.union.slug, user_id: loginId }).first();
  const account = row && toAccount(row);
  if (!account) return audit('failure', undefined, 'unknown_user_id');
  if (!account.email || !account.emailVerified) return audit('failure', account.id, 'no_verified_email');
  // The mail sent within the cooldown is still valid: a newer one would only supersede it.
  if (!await claimRecoveryMail(deps.db, account.id, 'password')) return audit('denied', account.id, 'cooldown');
  const token = await createResetLink(deps.db, deps.union.slug, account.id);
  await audit('success', account.id);
  mailLater(deps, { email: account.email, language: account.language }, 'reset-password', 'mail.resetPassword.subject', {
    link: `${deps.issuerUrl}/recovery/password/${token}`, validMinutes: RESET_LINK_MINUTES,
  });
}

/**
 * Sets the new password (policy, not the user ID, not the current password). A form with errors
 * keeps the link; a good one uses the link and sets the password in one transaction, so a link
 * sets at most one password. The second factor is untouched: the next login still asks for it.
 */
export async function resetPassword(
  deps: RecoveryDeps, token: string, form: { password: string; confirmation: string },
): Promise<InvalidLink | { kind: 'errors'; errors: IdpSaid[] } | { kind: 'done' }> {
  const { db, union } = deps;
  const refuse = async (status: InvalidLink['status'], accountId?: string): Promise<InvalidLink> => {
    await auditRecovery(deps, { action: 'recovery.password.reset', outcome: 'failure', accountId, detail: { reason: `link_${status}` } });
    return { kind: 'invalid', status };
  };
  const { status, link } = await inspectLink(db, union.slug, 'reset_password', token);
  const account = link && await findAccount(db, union.slug, link.accountId);
  if (status !== 'valid' || !account) return refuse(status === 'valid' ? 'unknown' : status, link?.accountId);

  const errors = await newPasswordErrors(db, union, account, form);
  if (errors.length) return { kind: 'errors', errors };

  const passwordHash = await hashPassword(form.password);
  const used = await db.transaction(async (trx) => {
    const consumed = await consumeLink(trx, union.slug, 'reset_password', token);
    if (consumed.status === 'valid') {
      await storeNewPassword(trx, account.id, passwordHash);
      // Proving the mailbox and setting a new password lifts a lockout, unless the union keeps that to its admin.
      if (union.policy.passwordResetUnlocks) await unlock(trx, account.id);
    }
    return consumed.status;
  });
  if (used !== 'valid') return refuse(used, account.id);
  await auditRecovery(deps, { action: 'recovery.password.reset', outcome: 'success', accountId: account.id });
  // Whoever knew the old password, or holds a session or refresh token from it, is out.
  await endSessionsAfterChange(
    { db, unionSlug: union.slug, provider: deps.provider, ip: deps.ip }, { accountId: account.id, cause: 'password_reset' },
  );
  if (account.email) mailLater(deps, { email: account.email, language: account.language }, 'password-changed', 'mail.passwordChanged.subject', {});
  return { kind: 'done' };
}

/**
 * Will the account stay locked after this reset (its union keeps unlocking to the admin)? The reset
 * page says so before the member starts.
 */
export async function staysLockedAfterReset(deps: RecoveryDeps, token: string): Promise<boolean> {
  if (deps.union.policy.passwordResetUnlocks) return false;
  const { link } = await inspectLink(deps.db, deps.union.slug, 'reset_password', token);
  const account = link && await findAccount(deps.db, deps.union.slug, link.accountId);
  return Boolean(account && lockoutState(account, deps.union.policy.lockoutThreshold).locked);
}
