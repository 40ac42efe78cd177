import type { Middleware } from 'koa';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type Provider from 'oidc-provider';
import type { SessionLifetimes } from '../unions/policy.js';

/**
 * IdP session lifetimes: an idle limit that each use moves on, capped by an absolute limit counted
 * from the login, each pair for sessions with and without ログイン状態の保存 (oidc-provider marks the
 * latter `transient`).
 */

/** What of an oidc-provider Session the limits depend on (epoch seconds). */
export interface SessionTimes {
  accountId?: string;
  loginTs?: number;
  transient?: boolean;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** The pair that applies: only a logged-in session whose member ticked ログイン状態の保存 gets the long one. */
export function limitsOf(l: SessionLifetimes, s: SessionTimes): { idle: number; absolute: number } {
  const remembered = Boolean(s.accountId) && !s.transient;
  return remembered
    ? { idle: l.rememberedIdleSeconds, absolute: l.rememberedAbsoluteSeconds }
    : { idle: l.idleSeconds, absolute: l.absoluteSeconds };
}

/** Seconds the session may live from `now` on: the idle limit, never past the absolute one (≤ 0: over). */
export function secondsLeft(l: SessionLifetimes, s: SessionTimes, now = nowSeconds()): number {
  const { idle, absolute } = limitsOf(l, s);
  if (!s.loginTs) return idle;
  return Math.min(idle, s.loginTs + absolute - now);
}

export const pastAbsoluteLimit = (l: SessionLifetimes, s: SessionTimes, now = nowSeconds()) =>
  Boolean(s.accountId && s.loginTs) && now - s.loginTs! >= limitsOf(l, s).absolute;

/**
 * `ttl.Session`, called on every save (every request the session is used in). oidc-provider wants a
 * positive number; a session over its limit is ended before it is used (below), so 1 only covers
 * a session crossing the limit during the request.
 */
export const sessionTtl = (l: SessionLifetimes) => (_ctx: KoaContextWithOIDC, session: SessionTimes) =>
  Math.max(1, secondsLeft(l, session));

/**
 * Ends a session past its absolute limit before oidc-provider loads it, so the request goes on as
 * without a session (a login). Only sessions stored before a shorter limit took effect get here:
 * the TTL above already makes every other one expire at its limit.
 */
export function endSessionsPastLimit(provider: Provider, l: SessionLifetimes): Middleware {
  const cookieName = provider.cookieName('session');
  return async (ctx, next) => {
    // Relying parties' back-channel requests carry no cookie: no lookup for them.
    if (ctx.cookies.get(cookieName, { signed: false })) {
      const session = await provider.Session.get(ctx as unknown as KoaContextWithOIDC);
      if (pastAbsoluteLimit(l, session)) await session.destroy();
    }
    await next();
  };
}
