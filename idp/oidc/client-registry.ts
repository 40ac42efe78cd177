import crypto from 'node:crypto';
import type { ClientMetadata } from 'oidc-provider';
import { KnexAdapter } from './adapter.js';
import type { ProviderRegistry } from './provider-registry.js';
import { RESOURCE_METADATA, RESOURCES } from './resources.js';

export interface RegisteredClient {
  clientId: string;
  /** Shown once; the database keeps it sealed. */
  clientSecret: string;
}

/** A relying party that logs members in (the portal, or another union app). */
export function webAppClient(options: {
  name: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  clientUri?: string;
  medical?: boolean;
  /** Where the IdP posts a logout token when the member's session ends (OIDC Back-Channel Logout). */
  backchannelLogoutUri?: string;
}): ClientMetadata {
  return {
    client_id: '',
    client_name: options.name,
    client_uri: options.clientUri,
    redirect_uris: options.redirectUris,
    post_logout_redirect_uris: options.postLogoutRedirectUris,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    scope: ['openid', 'profile', 'email', 'offline_access', ...(options.medical ? ['medical'] : [])].join(' '),
    [RESOURCE_METADATA]: options.medical ? [RESOURCES.portal] : [],
    // The logout token names the session (sid), so the relying party ends just that login.
    ...(options.backchannelLogoutUri ? { backchannel_logout_uri: options.backchannelLogoutUri, backchannel_logout_session_required: true } : {}),
  };
}

/**
 * A union administrator's machine client for the admin APIs (client credentials only): the IdP's
 * (scope `admin`, the default resource) and the portal's (scope `portal-admin` with
 * resource=urn:kenpo-id:portal-admin).
 */
export function adminClient(name: string): ClientMetadata {
  return {
    client_id: '',
    client_name: name,
    redirect_uris: [],
    grant_types: ['client_credentials'],
    response_types: [],
    scope: 'admin portal-admin',
    [RESOURCE_METADATA]: [RESOURCES.admin, RESOURCES.portalAdmin],
  };
}

/**
 * Stores a new client of one union after oidc-provider has validated its metadata. The same
 * adapter that oidc-provider reads clients from writes it, sealed at rest.
 */
export async function registerClient(
  registry: ProviderRegistry,
  unionSlug: string,
  metadata: ClientMetadata,
): Promise<RegisteredClient> {
  const issuer = await registry.get(unionSlug);
  if (!issuer) throw new Error(`unknown union: ${unionSlug}`);
  const clientId = `${unionSlug}-${crypto.randomBytes(9).toString('base64url')}`;
  const clientSecret = crypto.randomBytes(32).toString('base64url');
  const full = { ...metadata, client_id: clientId, client_secret: clientSecret };
  await issuer.provider.Client.validate(full);
  await new KnexAdapter(registry.deps.db, unionSlug, 'Client', registry.deps.box).upsert(clientId, full as never);
  return { clientId, clientSecret };
}
