import crypto from 'node:crypto';
import type { Database } from '../../migrations/database.js';
import type { UnionContext } from '../http/context.js';
import { csrfToken, isValidCsrfToken } from '../http/csrf.js';
import { takeAttempt, type Limit } from '../mfa/rate-limit.js';

/**
 * The two public recovery forms (user ID in; birthdate + e-mail in). They must answer the same,
 * in the same time, whether or not an account matches, so a request does only work that does not
 * depend on the account: CSRF check, format check, the two rate-limit counters (keyed by the address
 * and what was typed, not by what was found), then the neutral page. Looking the account up, the
 * per-account mail cooldown (cooldown.ts), creating the link and SMTP happen after the answer
 * (runDetached), and their outcome goes to the audit log only.
 */

const COOKIE = 'kenpo_recovery';
const NONCE = /^[A-Za-z0-9_-]{22}$/;

/** There is no session to bind the form's CSRF token to: a random per-browser cookie is the binding. */
export function recoveryFormToken(ctx: UnionContext): string {
  let nonce = ctx.cookies.get(COOKIE);
  if (!nonce || !NONCE.test(nonce)) {
    nonce = crypto.randomBytes(16).toString('base64url');
    ctx.cookies.set(COOKIE, nonce, {
      httpOnly: true, sameSite: 'lax', secure: ctx.secure, path: `/u/${ctx.state.issuer.union.slug}/recovery`,
    });
  }
  return csrfToken(ctx.state.csrfSecret, `recovery:${nonce}`);
}

export function isTrustedRecoveryForm(ctx: UnionContext, form: Record<string, string>): boolean {
  const nonce = ctx.cookies.get(COOKIE);
  return Boolean(nonce) && isValidCsrfToken(ctx.state.csrfSecret, `recovery:${nonce}`, form.csrf);
}

export type RecoveryKind = 'password' | 'user_id';

/**
 * Per client address, and per (identity typed in, client address): others' requests for a user ID
 * or e-mail address never spend the member's own budget. What stops one inbox from being flooded is
 * the per-account cooldown between mails (cooldown.ts), which a request cannot extend.
 */
export const RECOVERY_LIMITS = {
  ip: { max: 30, windowMs: 15 * 60_000 },
  identityAtIp: { max: 5, windowMs: 15 * 60_000 },
} satisfies Record<string, Limit>;

export function recoveryLimitKeys(kind: RecoveryKind, unionSlug: string, ip: string, identity: string) {
  const digest = crypto.createHash('sha256').update(`${unionSlug}\n${identity}\n${ip}`).digest('hex');
  return { ip: `recovery:${kind}:ip:${ip}`, identityAtIp: `recovery:${kind}:${digest}` };
}

/** Counts the request under both limits; false when either budget is spent (the answer stays the same). */
export async function withinRecoveryLimits(
  db: Database, kind: RecoveryKind, unionSlug: string, ip: string, identity: string,
): Promise<boolean> {
  const keys = recoveryLimitKeys(kind, unionSlug, ip, identity);
  const byIp = await takeAttempt(db, keys.ip, RECOVERY_LIMITS.ip);
  const byIdentityAtIp = await takeAttempt(db, keys.identityAtIp, RECOVERY_LIMITS.identityAtIp);
  return byIp && byIdentityAtIp;
}
