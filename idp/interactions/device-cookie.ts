import { parseDeviceCookie, DEVICE_TRUST_DAYS, trustDevice, trustedDeviceOf, touchDevice } from '../accounts/trusted-devices.js';
import { clientIp, type UnionContext } from '../http/context.js';

/** The device cookie of a trusted browser: signed, HttpOnly, SameSite=Lax, Secure on https, only under `/u/<slug>`. */
const COOKIE = 'kenpo_device';

const options = (ctx: UnionContext) => ({
  signed: true, httpOnly: true, sameSite: 'lax' as const, overwrite: true,
  path: `/u/${ctx.state.issuer.union.slug}`, secure: ctx.state.issuer.provider.issuer.startsWith('https:'),
  maxAge: DEVICE_TRUST_DAYS * 86_400_000,
});

export const deviceCookieOf = (ctx: UnionContext) => parseDeviceCookie(ctx.cookies.get(COOKIE, { signed: true }));

/**
 * After a completed login (oidc-provider's authorization.success): the browser is (still) trusted
 * for this account. A cookie of another account, revoked or locked, is replaced.
 */
export async function trustThisBrowser(ctx: UnionContext, accountId: string): Promise<void> {
  const { db, issuer: { union } } = ctx.state;
  const current = await trustedDeviceOf(db, union.slug, accountId, deviceCookieOf(ctx));
  if (current) return touchDevice(db, current.id, clientIp(ctx));
  const value = await trustDevice(db, { unionSlug: union.slug, accountId, userAgent: ctx.get('user-agent'), ip: clientIp(ctx) });
  ctx.cookies.set(COOKIE, value, options(ctx));
}
