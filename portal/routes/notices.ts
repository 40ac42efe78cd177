import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Database } from '../../migrations/database.js';
import type { PortalUnion } from '../config.js';
import type { BadgeCounter, HeaderBadges } from '../http/header-badges.js';
import { csrfToken } from '../http/security.js';
import type { PortalMember } from '../members/portal-members.js';
import {
  countUnreadNotices, findVisibleNotice, listAnnouncedMaintenance, listVisibleNotices, markNoticeRead, type NoticeReader,
} from '../notices/notice-repository.js';
import type { MemberSession } from '../session.js';
import { parsePlainText } from '../text/plain-text.js';
import { requireMember } from './home.js';

/** The member as the notices see them: 本人 or 家族 from the card of their last login (none: notices for everyone only). */
function readerOf(res: Response): NoticeReader {
  const union = res.locals.union as PortalUnion;
  const member = res.locals.member as MemberSession;
  const known = res.locals.portalMember as PortalMember | undefined;
  return { unionSlug: union.slug, sub: member.sub, relation: known?.household?.relation ?? null };
}

/** 🔔: the notices this member may see now and has not opened. */
export const noticeBadge: BadgeCounter = async (db, member) => ({
  notices: await countUnreadNotices(db, { unionSlug: member.unionSlug, sub: member.sub, relation: member.household?.relation ?? null }),
});

/** お知らせ: the list (newest first, unread marked) and each notice, which opening marks read. */
export function noticeRoutes(db: Database): Router {
  const router = Router({ mergeParams: true });

  const render = (req: Request, res: Response, view: string, locals: object) => {
    const union = res.locals.union as PortalUnion;
    res.render(`portal/notices/${view}`, {
      brand: union.name, slug: union.slug, member: res.locals.member, csrf: csrfToken(req), base: `/u/${union.slug}/notices`, ...locals,
    });
  };

  router.get('/', requireMember, async (req, res) => {
    const notices = await listVisibleNotices(db, readerOf(res));
    render(req, res, 'index', { title: res.locals.t('notices.title'), notices, unread: notices.filter((n) => !n.read).length });
  });

  router.get('/:id', requireMember, async (req, res) => {
    const id = req.params.id as string;
    const reader = readerOf(res);
    // Unknown, not yet or no longer published, withdrawn, or for the other group: the same page.
    const notice = /^[1-9]\d{0,9}$/.test(id) ? await findVisibleNotice(db, reader, Number(id)) : undefined;
    if (!notice) {
      return render(req, res.status(404), 'missing', { title: res.locals.t('notices.notFoundTitle') });
    }
    if (await markNoticeRead(db, reader, notice.id)) {
      // The header was counted before this page marked the notice read.
      const badges = res.locals.badges as HeaderBadges | undefined;
      if (badges?.notices) badges.notices -= 1;
    }
    render(req, res, 'show', { title: notice.title, notice, blocks: parsePlainText(notice.body) });
  });

  return router;
}

/**
 * `maintenance.json`: what the IdP's login page may announce — the maintenance windows that have not
 * ended, of notices published to everyone. Public and cacheable: titles and times, nothing else.
 */
export function maintenanceFeed(db: Database): RequestHandler {
  return (_req, res, next) => {
    const union = res.locals.union as PortalUnion;
    listAnnouncedMaintenance(db, union.slug).then((notices) => {
      res.set('Cache-Control', 'public, max-age=60');
      res.json({
        maintenance: notices.map((n) => ({ title: n.title, start: new Date(n.window!.start).toISOString(), end: new Date(n.window!.end).toISOString() })),
      });
    }, next);
  };
}
