import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Database } from '../../migrations/database.js';
import type { PortalMember } from '../members/portal-members.js';

/** The unread counts the member header shows beside 🔔 (お知らせ) and ✉ (MYメール). */
export interface HeaderBadges {
  notices?: number;
  messages?: number;
}

/** One feature's contribution to the header's counts, for the member a page is shown to. */
export type BadgeCounter = (db: Database, member: PortalMember) => Promise<HeaderBadges>;

/**
 * After requireMember: puts the counts of every feature into `res.locals.badges` for the header.
 * A count that fails to load is left out (the page still shows) and logged.
 */
export function headerBadges(db: Database, counters: BadgeCounter[]): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const member = res.locals.portalMember as PortalMember | undefined;
    if (!member || req.method !== 'GET') return next();
    Promise.all(counters.map((count) => count(db, member).catch((err) => {
      console.error(`[portal:${member.unionSlug}] header count failed`, err);
      return {};
    }))).then((parts) => {
      res.locals.badges = Object.assign({}, ...parts) as HeaderBadges;
      next();
    }, next);
  };
}
