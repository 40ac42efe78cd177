import { Router, type Request, type Response } from 'express';
import { recordAudit } from '../../audit/audit-log.js';
import type { Database } from '../../migrations/database.js';
import type { PortalUnion } from '../config.js';
import { csrfToken, requireCsrf } from '../http/security.js';
import type { PortalMember } from '../members/portal-members.js';
import {
  loadNotificationSettings, NOTIFICATION_KINDS, saveNotificationSettings, type NotificationSettings,
} from '../notifications/notification-settings.js';
import type { MemberSession } from '../session.js';
import { requireMember } from './home.js';

const PATH = '/settings/notifications';

/** A checkbox sends `on` when ticked and nothing when not; any other value is not from our form. */
function settingsFrom(body: Record<string, unknown>): NotificationSettings | undefined {
  const settings = {} as NotificationSettings;
  for (const kind of NOTIFICATION_KINDS) {
    const value = body[kind];
    if (value !== undefined && value !== 'on') return undefined;
    settings[kind] = value === 'on';
  }
  return settings;
}

/** Eメール通知設定: which notification mails the member receives (all by default), and where they go. */
export function notificationSettingsRoutes(db: Database): Router {
  const router = Router({ mergeParams: true });

  const render = (req: Request, res: Response, settings: NotificationSettings, saved: boolean) => {
    const union = res.locals.union as PortalUnion;
    const known = res.locals.portalMember as PortalMember | undefined;
    res.render('portal/settings/notifications', {
      title: res.locals.t('notifications.title'), brand: union.name, slug: union.slug, member: res.locals.member, csrf: csrfToken(req),
      kinds: NOTIFICATION_KINDS, settings, saved, email: known?.email ?? null,
    });
  };

  router.get(PATH, requireMember, async (req, res) => {
    const union = res.locals.union as PortalUnion;
    const member = res.locals.member as MemberSession;
    render(req, res, await loadNotificationSettings(db, union.slug, member.sub), req.query.saved === '1');
  });

  // The CSRF check first: its refusal page has no member header.
  router.post(PATH, requireCsrf, requireMember, async (req, res) => {
    const union = res.locals.union as PortalUnion;
    const member = res.locals.member as MemberSession;
    const settings = settingsFrom(req.body ?? {});
    if (!settings) {
      return res.status(400).render('portal/error', { title: res.locals.t('common.errorTitle'), message: res.locals.t('common.badRequest'), member: undefined });
    }
    await saveNotificationSettings(db, union.slug, member.sub, settings);
    await recordAudit(db, {
      unionSlug: union.slug, actor: `member:${member.sub}`, action: 'notifications.settings.update', target: member.sub,
      outcome: 'success', ip: req.ip ?? null, detail: { ...settings },
    });
    // Post/Redirect/Get: a reload shows the page again instead of posting the form twice.
    res.redirect(303, `/u/${union.slug}${PATH}?saved=1`);
  });

  return router;
}
