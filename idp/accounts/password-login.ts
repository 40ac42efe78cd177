import type { Database } from '../../migrations/database.js';
import { recordAudit } from '../audit/audit-log.js';
import type { Union } from '../unions/union-repository.js';
import { normalizeLoginId, type AccountRow } from './account-repository.js';
import { checkUnderLockout } from './lockout.js';
import { decoyPasswordHash, verifyPassword } from './password-hasher.js';
import { consumeTemporaryCredential, findTemporaryCredential } from './temporary-credentials.js';

export type PasswordLoginResult =
  | { ok: true; accountId: string; temporary: boolean }
  | { ok: false; reason: 'invalid' | 'locked' | 'temporary_expired' | 'no_mailbox' };

interface LoginTarget {
  accountId: string;
  passwordHash: string;
  /** A postcard's temporary credential (its row id): used once, by the first login that gets it right. */
  temporaryId?: string;
  expired: boolean;
  /** A migrated member's initial password opens a login only with a code mailed to a verified address. */
  needsMailbox: boolean;
}

/** A login ID names either a member's own user ID or a live temporary ID from a postcard. */
async function findLoginTarget(db: Database, unionSlug: string, loginId: string): Promise<LoginTarget | undefined> {
  const account = await db<AccountRow>('accounts').where({ union_slug: unionSlug, user_id: loginId }).first();
  if (account?.password_hash) {
    const initialUntil = account.initial_password_expires_at === null ? null : Number(account.initial_password_expires_at);
    return {
      accountId: account.id, passwordHash: account.password_hash,
      expired: initialUntil !== null && initialUntil <= Date.now(),
      needsMailbox: initialUntil !== null && account.email_verified_at === null,
    };
  }
  const temporary = await findTemporaryCredential(db, unionSlug, loginId);
  if (temporary && temporary.revoked_at === null) {
    return {
      accountId: temporary.account_id,
      passwordHash: temporary.password_hash,
      temporaryId: temporary.id,
      expired: temporary.expires_at <= Date.now(),
      needsMailbox: false,
    };
  }
  return undefined;
}

/**
 * Checks a user ID and password under the union's lockout policy. Unknown IDs cost the same
 * hash as known ones, and the answer never says which of the two was wrong.
 */
export async function loginWithPassword(
  db: Database,
  union: Union,
  input: { loginId: string; password: string; ip?: string },
): Promise<PasswordLoginResult> {
  const loginId = normalizeLoginId(input.loginId);
  const threshold = union.policy.lockoutThreshold;
  const target = loginId ? await findLoginTarget(db, union.slug, loginId) : undefined;
  const audit = (action: string, outcome: 'success' | 'failure' | 'denied', detail?: Record<string, unknown>) =>
    recordAudit(db, { unionSlug: union.slug, actor: target ? `member:${target.accountId}` : 'anonymous', action,
      target: target?.accountId ?? loginId.slice(0, 255), outcome, ip: input.ip, detail });

  if (!target) {
    await verifyPassword(input.password, await decoyPasswordHash());
    await audit('login.password', 'failure', { reason: 'unknown_login_id' });
    return { ok: false, reason: 'invalid' };
  }
  const result = await checkUnderLockout(db, target.accountId, threshold,
    () => verifyPassword(input.password, target.passwordHash),
    () => audit('account.locked', 'success', { threshold }));
  if (result === 'locked') {
    await audit('login.password', 'denied', { reason: 'locked' });
    return { ok: false, reason: 'locked' };
  }
  if (result === 'wrong') {
    await audit('login.password', 'failure', { reason: 'wrong_password' });
    return { ok: false, reason: 'invalid' };
  }
  if (target.expired) {
    await audit('login.password', 'denied', { reason: 'temporary_expired' });
    return { ok: false, reason: 'temporary_expired' };
  }
  if (target.needsMailbox) {
    await audit('login.password', 'denied', { reason: 'initial_password_without_mailbox' });
    return { ok: false, reason: 'no_mailbox' };
  }
  // A postcard opens one login, and that login sets a new password: the card is no second password.
  if (target.temporaryId && !(await consumeTemporaryCredential(db, target.accountId, target.temporaryId))) {
    await audit('login.password', 'failure', { reason: 'temporary_already_used' });
    return { ok: false, reason: 'invalid' };
  }
  await audit('login.password', 'success', { temporary: Boolean(target.temporaryId) });
  return { ok: true, accountId: target.accountId, temporary: Boolean(target.temporaryId) };
}
