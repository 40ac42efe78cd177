import { Router, type NextFunction, type Request, type Response } from 'express';
import type { PortalUnion } from '../config.js';
import { csrfToken } from '../http/security.js';
import { memberOf } from '../session.js';

/** Pages that need a member send everyone else to log in first, then back here. */
export function requireMember(req: Request, res: Response, next: NextFunction): void {
  const union = res.locals.union as PortalUnion;
  const member = memberOf(req, union.slug);
  if (!member) return res.redirect(303, `/u/${union.slug}/login?returnTo=${encodeURIComponent(req.originalUrl)}`);
  res.locals.member = member;
  next();
}

export function homeRoutes(): Router {
  const router = Router({ mergeParams: true });
  router.get('/', requireMember, (req, res) => {
    const union = res.locals.union as PortalUnion;
    res.render('portal/home', { title: res.locals.t('member.homeTitle'), brand: union.name, slug: union.slug, member: res.locals.member, csrf: csrfToken(req) });
  });
  return router;
}
