import { errors, type KoaContextWithOIDC, type ResourceServer } from 'oidc-provider';

/**
 * Resource servers (APIs) that union clients may ask tokens for. A client lists the ones it may use
 * in its `kenpo_resources` metadata; anything else is refused with invalid_target.
 */
export const RESOURCES = {
  /** The member portal's medical-data API: JWT access tokens the portal verifies itself. */
  portal: 'urn:kenpo-id:portal',
  /** The union administrators' API on the IdP: opaque tokens looked up by the IdP. */
  admin: 'urn:kenpo-id:admin',
  /** The union administrators' API on the portal (notices, MY mail…): JWT access tokens the portal verifies. */
  portalAdmin: 'urn:kenpo-id:portal-admin',
} as const;

const SERVERS: Record<string, ResourceServer> = {
  [RESOURCES.portal]: {
    scope: 'medical',
    audience: RESOURCES.portal,
    accessTokenTTL: 10 * 60,
    accessTokenFormat: 'jwt',
    jwt: { sign: { alg: 'RS256' } },
  },
  [RESOURCES.admin]: {
    scope: 'admin',
    audience: RESOURCES.admin,
    accessTokenTTL: 10 * 60,
    accessTokenFormat: 'opaque',
  },
  [RESOURCES.portalAdmin]: {
    scope: 'portal-admin',
    audience: RESOURCES.portalAdmin,
    accessTokenTTL: 10 * 60,
    accessTokenFormat: 'jwt',
    jwt: { sign: { alg: 'RS256' } },
  },
};

export const RESOURCE_METADATA = 'kenpo_resources';

type ClientLike = { [RESOURCE_METADATA]?: unknown } & object;

function allowedResources(client: ClientLike | undefined): string[] {
  const value = client?.[RESOURCE_METADATA];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export const resourceIndicators = {
  enabled: true,
  /** Without a `resource` parameter a client gets its first registered resource. */
  async defaultResource(_ctx: KoaContextWithOIDC, client: ClientLike, oneOf?: readonly string[]) {
    if (oneOf) return oneOf;
    return allowedResources(client)[0];
  },
  async getResourceServerInfo(_ctx: KoaContextWithOIDC, indicator: string, client: ClientLike) {
    const server = SERVERS[indicator];
    if (!server || !allowedResources(client).includes(indicator)) throw new errors.InvalidTarget();
    return server;
  },
  async useGrantedResource() {
    return true;
  },
};

export function validateResourceMetadata(key: string, value: unknown): void {
  if (key !== RESOURCE_METADATA || value === undefined) return;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || !(v in SERVERS))) {
    throw new errors.InvalidClientMetadata(`${RESOURCE_METADATA} must list known resources`);
  }
}
