import type { PortalUnion } from './config.js';
import type { MemberSession } from './session.js';

/**
 * The union's medical pages may ask for a recent login (`medicalMaxAuthAgeSeconds`): older, or of
 * unknown age, and the member is sent through the IdP with `max_age`, which logs in again.
 */
export function loginRecentEnough(union: PortalUnion, member: MemberSession, now = Date.now()): boolean {
  const maxAge = union.medicalMaxAuthAgeSeconds;
  if (maxAge === undefined) return true;
  return member.authTime !== undefined && Math.floor(now / 1000) - member.authTime <= maxAge;
}
