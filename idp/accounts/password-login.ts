import type { Database } from '../../migrations/database.js';
import type { Locale } from '../../i18n/locale.js';
import { recordAudit } from '../../audit/audit-log.js';
import type { Union } from '../unions/union-repository.js';
import { normalizeLoginId, replacePasswordHash, type AccountRow } from './account-repository.js';
import type { Mailer } from '../../mail/mailer.js';
import { announceLock } from './lock-notice.js';
import { accountScope, checkUnderLockout } from './lockout.js';
import { failureDelayMs, loginAttemptWait, sleep } from './login-throttle.js';
import { deviceScope, touchDevice, trustedDeviceOf } from './trusted-devices.js';
import { decoyPasswordHash, hashPassword, needsRehash, verifyPassword } from './password-hasher.js';
import { consumeTemporaryCredential, findTemporaryCredential } from './temporary-credentials.js';

export type PasswordLoginResult =
  | { ok: true; accountId: string; temporary: boolean; trustedDeviceId?: string }
  | { ok: false; reason: 'invalid' | 'locked' | 'temporary_expired' | 'no_mailbox' }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number };

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

/** The browser the attempt comes from: its address, and its device cookie if it has one. */
export interface LoginSource {
  ip: string;
  userAgent?: string;
  device?: { id: string; secret: string };
  /** The language of the login page (the lock notice falls back to it). */
  locale?: Locale;
}

/**
 * Checks a user ID and password under the union's throttles and lockout policy. Unknown IDs cost
 * the same hash as known ones, a locked account answers like a wrong password unless the password
 * is right, and the answer never says which of the two was wrong. A browser the member completed a
 * login in (a trusted device) keeps its own count, so an outsider's failures never lock it.
 */
export async function loginWithPassword(
  deps: { db: Database; mailer: Mailer },
  union: Union,
  input: { loginId: string; password: string } & LoginSource,
): Promise<PasswordLoginResult> {
  const { db } = deps;
  const throttle = union.policy.loginThrottle;
  const wait = await loginAttemptWait(db, union.slug, input.ip, throttle);
  if (wait) {
    await recordAudit(db, { unionSlug: union.slug, actor: 'anonymous', action: 'login.password', target: normalizeLoginId(input.loginId).slice(0, 255), outcome: 'denied', ip: input.ip, detail: { reason: 'throttled' } });
    return { ok: false, reason: 'throttled', retryAfterSeconds: wait };
  }
  const loginId = normalizeLoginId(input.loginId);
  const threshold = union.policy.lockoutThreshold;
  const target = loginId ? await findLoginTarget(db, union.slug, loginId) : undefined;
  const device = target && await trustedDeviceOf(db, union.slug, target.accountId, input.device);
  const audit = (action: string, outcome: 'success' | 'failure' | 'denied', detail?: Record<string, unknown>) =>
    recordAudit(db, { unionSlug: union.slug, actor: target ? `member:${target.accountId}` : 'anonymous', action,
      target: target?.accountId ?? loginId.slice(0, 255), outcome, ip: input.ip, detail: { ...detail, ...(device ? { trustedDevice: device.id } : {}) } });
  /** A wrong answer, whatever made it wrong: slowed down once an address keeps failing. */
  const invalid = async (reason: string): Promise<PasswordLoginResult> => {
    await audit('login.password', 'failure', { reason });
    await sleep(await failureDelayMs(db, union.slug, input.ip, throttle));
    return { ok: false, reason: 'invalid' };
  };

  if (!target) {
    await verifyPassword(input.password, await decoyPasswordHash());
    return invalid('unknown_login_id');
  }
  const scope = device ? deviceScope(device) : accountScope(target.accountId);
  const result = await checkUnderLockout(db, scope, threshold,
    () => verifyPassword(input.password, target.passwordHash),
    async () => {
      await audit(device ? 'account.device.locked' : 'account.locked', 'success', { threshold });
      if (!device) announceLock(deps, union, target.accountId, { cause: 'password', ip: input.ip, userAgent: input.userAgent, locale: input.locale });
    });
  // A trusted device that is locked only lost its trust (the next attempt counts as an unknown browser's).
  if (result === 'wrong') return invalid('wrong_password');
  if (result === 'locked') {
    await audit('login.password', 'denied', { reason: 'locked' });
    return { ok: false, reason: 'locked' };
  }
  if (device) await touchDevice(db, device.id, input.ip);
  // A hash of an earlier algorithm or cost is replaced while the password is at hand.
  if (!target.temporaryId && needsRehash(target.passwordHash)) await replacePasswordHash(db, target.accountId, await hashPassword(input.password));
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
    return invalid('temporary_already_used');
  }
  await audit('login.password', 'success', { temporary: Boolean(target.temporaryId) });
  return { ok: true, accountId: target.accountId, temporary: Boolean(target.temporaryId), trustedDeviceId: device?.id };
}
