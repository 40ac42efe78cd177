import type { Request, Response } from 'express';
import { jwtVerify } from 'jose';
import type { Database } from '../migrations/database.js';
import type { PortalUnion } from './config.js';
import type { IssuerKeys } from './issuer-keys.js';
import { endLogins } from './session-logins.js';

const LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/**
 * Validates a logout token as OIDC Back-Channel Logout 1.0 §2.6 asks: signed by the union's issuer
 * for this client (typ logout+jwt), recent, with the logout event, a sid or sub, and no nonce.
 */
export async function verifyLogoutToken(keys: IssuerKeys, union: PortalUnion, token: string): Promise<{ sid?: string; sub?: string }> {
  const { payload } = await jwtVerify(token, await keys.of(union), {
    issuer: union.issuer,
    audience: union.clientId,
    algorithms: ['RS256'],
    typ: 'logout+jwt',
    requiredClaims: ['iat', 'jti', 'events'],
    maxTokenAge: '5 minutes',
  });
  const events = payload.events as Record<string, unknown> | undefined;
  if (!events || typeof events[LOGOUT_EVENT] !== 'object') throw new Error('not a logout token (events)');
  if ('nonce' in payload) throw new Error('a logout token must not carry a nonce');
  const sid = typeof payload.sid === 'string' ? payload.sid : undefined;
  if (!sid && !payload.sub) throw new Error('a logout token needs sid or sub');
  return { sid, sub: payload.sub };
}

/** POST /u/<slug>/backchannel-logout: the IdP tells us a member's session there has ended. */
export function backchannelLogoutHandler(db: Database, keys: IssuerKeys) {
  return async (req: Request, res: Response) => {
    const union = res.locals.union as PortalUnion;
    res.set('Cache-Control', 'no-store');
    const token = typeof req.body?.logout_token === 'string' ? req.body.logout_token : '';
    let subject: { sid?: string; sub?: string };
    try {
      subject = await verifyLogoutToken(keys, union, token);
    } catch (err) {
      console.warn(`[portal:${union.slug}] logout token refused`, (err as Error).message);
      return res.status(400).json({ error: 'invalid_request', error_description: 'invalid logout token' });
    }
    await endLogins(db, union.slug, subject);
    res.status(200).end();
  };
}
