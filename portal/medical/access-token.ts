import { errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { PortalUnion } from '../config.js';
import type { IssuerKeys } from '../issuer-keys.js';
import { PORTAL_RESOURCE } from '../oidc-client.js';
import type { HouseholdClaims } from './model.js';

export const MEDICAL_SCOPE = 'medical';

/** What a verified portal access token grants: whose household, for whom. */
export interface MedicalAccess {
  sub: string;
  household: HouseholdClaims;
}

/**
 * Why a token was not accepted: `expired` may be refreshed; `invalid` never will be (forged, other
 * issuer or audience, missing scope or claims); `unavailable` means the issuer's keys could not be
 * fetched, which is nobody's fault and must not log the member out.
 */
export class AccessTokenRejected extends Error {
  constructor(readonly reason: 'expired' | 'invalid' | 'unavailable', message: string) {
    super(message);
  }
}

/** A good token without the scope asked for (an API answers 403 to it rather than 401). */
export class MissingScope extends AccessTokenRejected {
  constructor(scope: string) {
    super('invalid', `token lacks the ${scope} scope`);
  }
}

function householdOf(payload: JWTPayload): HouseholdClaims | undefined {
  const { insurer_number: insurer, kigo, bango, edaban, relation } = payload;
  const text = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 32;
  if (typeof insurer !== 'string' || !/^\d{8}$/.test(insurer) || !text(kigo) || !text(bango)) return undefined;
  if (typeof edaban !== 'string' || !/^\d{2}$/.test(edaban) || (relation !== '本人' && relation !== '家族')) return undefined;
  return { insurer_number: insurer, kigo, bango, edaban, relation };
}

function classify(err: unknown): AccessTokenRejected {
  if (err instanceof AccessTokenRejected) return err;
  if (err instanceof errors.JWTExpired) return new AccessTokenRejected('expired', 'access token expired');
  // Fetching the keys failed: a timeout, the network, or a plain JOSEError (an answer other than 200 or
  // not JSON, e.g. a proxy's 502). The issuer is down; the member's token is not at fault.
  if (err instanceof errors.JWKSTimeout || !(err instanceof errors.JOSEError) || err.code === errors.JOSEError.code) {
    return new AccessTokenRejected('unavailable', `issuer keys unavailable: ${(err as Error).message}`);
  }
  return new AccessTokenRejected('invalid', `${err.code}: ${err.message}`);
}

/**
 * Verifies the portal's JWT access tokens (RFC 9068) against each union's own issuer: signature
 * by a key from the issuer's `jwks_uri`, `iss`, `aud`, `exp`, the `medical` scope, our client id,
 * and the household claims the IdP puts in them.
 */
export class PortalTokenVerifier {
  constructor(private readonly keys: IssuerKeys) {}

  private async keySet(union: PortalUnion): Promise<JWTVerifyGetKey> {
    try {
      return await this.keys.of(union);
    } catch (err) {
      throw new AccessTokenRejected('unavailable', (err as Error).message);
    }
  }

  async verify(union: PortalUnion, token: string): Promise<MedicalAccess> {
    const payload = await this.verifyFor(union, token, { audience: PORTAL_RESOURCE, scope: MEDICAL_SCOPE, requiredClaims: ['sub'] });
    if (payload.client_id !== union.clientId) throw new AccessTokenRejected('invalid', 'token issued to another client');
    const household = householdOf(payload);
    if (!household) throw new AccessTokenRejected('invalid', 'token lacks the household claims');
    return { sub: payload.sub!, household };
  }

  /** Any RFC 9068 access token of the union's issuer for `audience` that carries `scope`. */
  async verifyFor(union: PortalUnion, token: string, expect: { audience: string; scope: string; requiredClaims?: string[] }): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(token, await this.keySet(union), {
        issuer: union.issuer,
        audience: expect.audience,
        algorithms: ['RS256'],
        typ: 'at+jwt',
        requiredClaims: ['exp', 'scope', 'client_id', ...(expect.requiredClaims ?? [])],
      });
      const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
      if (!scopes.includes(expect.scope)) throw new MissingScope(expect.scope);
      return payload;
    } catch (err) {
      throw classify(err);
    }
  }
}
