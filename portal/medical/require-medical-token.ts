import type { NextFunction, Request, RequestHandler, Response } from 'express';
import * as oidc from 'openid-client';
import type { Database } from '../../migrations/database.js';
import { acrSatisfies } from '../acr.js';
import { loginRecentEnough } from '../auth-age.js';
import type { PortalUnion } from '../config.js';
import { PORTAL_RESOURCE, type RelyingParties } from '../oidc-client.js';
import { localeClaim, memberOf, type MemberSession } from '../session.js';
import { AccessTokenRejected, type MedicalAccess, type PortalTokenVerifier } from './access-token.js';
import { auditMedical } from './medical-audit.js';

export interface MedicalGateDeps {
  db: Database;
  rps: RelyingParties;
  verifier: PortalTokenVerifier;
}

type Refreshed = Awaited<ReturnType<typeof oidc.refreshTokenGrant>>;

/**
 * Medical pages need the session's access token to verify on every request; an expired one is
 * refreshed once. Anything else (no session, acr below the union's minimum, a login older than the
 * union's medicalMaxAuthAgeSeconds, a token that does not verify, a refresh the IdP refuses) sends the
 * member back to log in. `res.locals.medical` then
 * holds the verified household: the only source of whose data a page shows.
 */
export function requireMedicalToken({ db, rps, verifier }: MedicalGateDeps): RequestHandler {
  // Concurrent requests of one session share a refresh, so a rotated refresh token is used once.
  const refreshing = new Map<string, Promise<Refreshed>>();

  async function refresh(union: PortalUnion, member: MemberSession): Promise<void> {
    const refreshToken = member.refreshToken;
    if (!refreshToken) throw new AccessTokenRejected('invalid', 'expired and no refresh token');
    let pending = refreshing.get(refreshToken);
    if (!pending) {
      pending = rps.config(union).then((config) => oidc.refreshTokenGrant(config, refreshToken, { resource: PORTAL_RESOURCE }));
      refreshing.set(refreshToken, pending);
      void pending.finally(() => refreshing.delete(refreshToken)).catch(() => {});
    }
    let tokens: Refreshed;
    try {
      tokens = await pending;
    } catch (err) {
      throw new AccessTokenRejected('invalid', `refresh refused: ${(err as Error).message}`);
    }
    member.accessToken = tokens.access_token;
    member.refreshToken = tokens.refresh_token ?? refreshToken;
    member.accessTokenExpiresAt = Date.now() + (tokens.expiresIn() ?? 0) * 1000;
    if (tokens.id_token) {
      member.idToken = tokens.id_token;
      member.locale = localeClaim(tokens.claims());
    }
  }

  async function currentAccess(union: PortalUnion, member: MemberSession): Promise<MedicalAccess> {
    let access: MedicalAccess;
    try {
      access = await verifier.verify(union, member.accessToken);
    } catch (err) {
      if (!(err instanceof AccessTokenRejected && err.reason === 'expired')) throw err;
      await refresh(union, member);
      access = await verifier.verify(union, member.accessToken);
    }
    if (access.sub !== member.sub) throw new AccessTokenRejected('invalid', 'token of another member');
    return access;
  }

  return async (req: Request, res: Response, next: NextFunction) => {
    const union = res.locals.union as PortalUnion;
    const member = memberOf(req, union.slug);
    const backToLogin = (stepUp: boolean, fresh = false) => res.redirect(303,
      `/u/${union.slug}/login?returnTo=${encodeURIComponent(req.originalUrl)}${stepUp ? '&step_up=1' : ''}${fresh ? '&fresh=1' : ''}`);
    if (!member) return backToLogin(false);
    if (!acrSatisfies(member.acr, union.requiredAcr)) return backToLogin(true);
    if (!loginRecentEnough(union, member)) return backToLogin(false, true);
    try {
      res.locals.medical = await currentAccess(union, member);
      res.locals.member = member;
      return next();
    } catch (err) {
      if (!(err instanceof AccessTokenRejected)) return next(err);
      if (err.reason === 'unavailable') {
        console.error(`[portal:${union.slug}] cannot verify access tokens:`, err.message);
        return res.status(503).render('portal/error', {
          title: res.locals.t('medical.unavailableTitle'),
          message: res.locals.t('medical.unavailable'),
        });
      }
      await auditMedical(db, req, {
        unionSlug: union.slug, sub: member.sub, household: null, action: 'medical.token.rejected', outcome: 'denied',
        detail: { reason: err.message },
      });
      delete req.session.members![union.slug];
      return backToLogin(false);
    }
  };
}
