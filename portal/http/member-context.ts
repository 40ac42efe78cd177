import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Database } from '../../migrations/database.js';
import type { PortalUnion } from '../config.js';
import { findPortalMember } from '../members/portal-members.js';
import { memberOf } from '../session.js';

/**
 * For a logged-in member's page requests: `res.locals.portalMember`, what the portal knows of them
 * (their card and e-mail from the last login), read once per request for the header and the pages.
 */
export function loadPortalMember(db: Database): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const union = res.locals.union as PortalUnion;
    const member = memberOf(req, union.slug);
    if (!member || req.method !== 'GET' && req.method !== 'POST') return next();
    findPortalMember(db, union.slug, member.sub).then((found) => {
      res.locals.portalMember = found;
      next();
    }, next);
  };
}
