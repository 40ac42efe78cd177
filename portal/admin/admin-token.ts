import type { PortalUnion } from '../config.js';
import { AccessTokenRejected, MissingScope, type PortalTokenVerifier } from '../medical/access-token.js';
import { ApiError } from './api-error.js';

/** The resource and scope a union's issuer puts in the portal administrators' access tokens. */
export const PORTAL_ADMIN_RESOURCE = 'urn:kenpo-id:portal-admin';
export const PORTAL_ADMIN_SCOPE = 'portal-admin';

/**
 * Admin calls carry a client-credentials JWT access token of the same union's issuer for the
 * portal-admin resource. The portal verifies it itself (signature by the issuer's keys, iss, aud,
 * exp, scope): another union's token fails on the issuer, a medical token on the audience.
 */
export async function authenticatePortalAdmin(verifier: PortalTokenVerifier, union: PortalUnion, authorization: string | undefined): Promise<{ clientId: string }> {
  const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(authorization ?? '');
  if (!match) throw new ApiError(401, 'unauthorized', 'admin.error.unauthorized');
  try {
    const payload = await verifier.verifyFor(union, match[1], { audience: PORTAL_ADMIN_RESOURCE, scope: PORTAL_ADMIN_SCOPE });
    return { clientId: String(payload.client_id) };
  } catch (err) {
    if (!(err instanceof AccessTokenRejected)) throw err;
    if (err.reason === 'unavailable') throw new ApiError(503, 'temporarily_unavailable', 'admin.error.unavailable');
    if (err instanceof MissingScope) throw new ApiError(403, 'insufficient_scope', 'admin.error.insufficientScope');
    throw new ApiError(401, 'invalid_token', 'admin.error.invalidToken');
  }
}
