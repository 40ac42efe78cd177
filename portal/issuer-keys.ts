import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import type { PortalUnion } from './config.js';
import type { RelyingParties } from './oidc-client.js';

/** Each union issuer's signing keys (its discovered `jwks_uri`), fetched and cached by jose. */
export class IssuerKeys {
  private readonly keySets = new Map<string, JWTVerifyGetKey>();

  constructor(private readonly rps: RelyingParties) {}

  /** Throws `Error('issuer has no jwks_uri')` for an issuer that publishes no keys. */
  async of(union: PortalUnion): Promise<JWTVerifyGetKey> {
    let keySet = this.keySets.get(union.slug);
    if (!keySet) {
      const jwksUri = (await this.rps.config(union)).serverMetadata().jwks_uri;
      if (!jwksUri) throw new Error('issuer has no jwks_uri');
      keySet = createRemoteJWKSet(new URL(jwksUri));
      this.keySets.set(union.slug, keySet);
    }
    return keySet;
  }
}
