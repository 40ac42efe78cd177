import { Router, type NextFunction, type Request, type Response } from 'express';
import type { Database } from '../../migrations/database.js';
import type { PortalUnion } from '../config.js';
import { listTiles } from '../home/tiles-repository.js';
import { tileView } from '../home/tiles.js';
import { csrfToken } from '../http/security.js';
import { memberOf } from '../session.js';

/**
 * Pages that need a member send everyone else to log in first, then back here. For those who are
 * logged in, the header's locals: the member and the logout form's CSRF token (any page, error pages included).
 */
export function requireMember(req: Request, res: Response, next: NextFunction): void {
  const union = res.locals.union as PortalUnion;
  const member = memberOf(req, union.slug);
  if (!member) return res.redirect(303, `/u/${union.slug}/login?returnTo=${encodeURIComponent(req.originalUrl)}`);
  res.locals.member = member;
  res.locals.csrf = csrfToken(req);
  next();
}

/** The top page: welcome, 医療費情報 first, then the union's own service tiles, and the help. */
export function homeRoutes(db: Database): Router {
  const router = Router({ mergeParams: true });
  router.get('/', requireMember, async (req, res) => {
    const union = res.locals.union as PortalUnion;
    const tiles = (await listTiles(db, union.slug)).map((tile) => tileView(tile, res.locals.lang));
    res.render('portal/home', {
      title: res.locals.t('member.homeTitle'), brand: union.name, slug: union.slug, member: res.locals.member, csrf: csrfToken(req),
      headerCurrent: 'home', tiles,
    });
  });
  return router;
}
