import type { UnionIssuer } from '../oidc/provider-registry.js';
import { RESOURCES } from '../oidc/resources.js';
import { ApiError } from './errors.js';

/**
 * Admin calls carry a client-credentials access token from the same union's issuer with the
 * `admin` scope. Tokens live in the union's own storage, so another union's token is simply unknown.
 */
export async function authenticateAdmin(issuer: UnionIssuer, authorization: string | undefined): Promise<{ clientId: string }> {
  const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(authorization ?? '');
  if (!match) throw new ApiError(401, 'unauthorized', 'admin.error.unauthorized');
  const token = await issuer.provider.ClientCredentials.find(match[1]);
  if (!token || token.isExpired) throw new ApiError(401, 'invalid_token', 'admin.error.invalidToken');
  const audiences = ([] as unknown[]).concat(token.aud ?? []);
  if (!audiences.includes(RESOURCES.admin) || !String(token.scope ?? '').split(' ').includes('admin')) {
    throw new ApiError(403, 'insufficient_scope', 'admin.error.insufficientScope');
  }
  return { clientId: token.clientId! };
}
