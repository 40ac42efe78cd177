import * as oidc from 'openid-client';
import type { PortalUnion } from './config.js';

export const PORTAL_RESOURCE = 'urn:kenpo-id:portal';
export const PORTAL_SCOPE = 'openid profile email offline_access medical';

/** The portal as a relying party of each union's issuer; discovery runs once per union, on first use. */
export class RelyingParties {
  private readonly configs = new Map<string, Promise<oidc.Configuration>>();

  constructor(private readonly unions: PortalUnion[]) {}

  union(slug: string): PortalUnion | undefined {
    return this.unions.find((u) => u.slug === slug);
  }

  async config(union: PortalUnion): Promise<oidc.Configuration> {
    let config = this.configs.get(union.slug);
    if (!config) {
      config = discover(union);
      this.configs.set(union.slug, config);
      config.catch(() => this.configs.delete(union.slug));
    }
    return config;
  }
}

async function discover(union: PortalUnion): Promise<oidc.Configuration> {
  const issuer = new URL(union.issuer);
  const insecure = issuer.protocol === 'http:';
  return oidc.discovery(issuer, union.clientId, union.clientSecret, oidc.ClientSecretBasic(union.clientSecret), {
    // Plain http is only for a local demo or tests on loopback; production issuers are https.
    execute: insecure ? [oidc.allowInsecureRequests] : [],
  });
}
