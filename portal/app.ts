import path from 'node:path';
import express, { type Express, type Response } from 'express';
import session from 'express-session';
import ejs from 'ejs';
import { createMailer } from '../mail/mailer.js';
import type { Database } from '../migrations/database.js';
import { viewsDir } from '../project/paths.js';
import { portalAdminRouter } from './admin/admin-api.js';
import { auditAdmin } from './admin/audit-admin.js';
import { helpAdmin } from './admin/help-admin.js';
import { messagesAdmin } from './admin/messages-admin.js';
import { noticesAdmin } from './admin/notices-admin.js';
import { notificationsAdmin } from './admin/notifications-admin.js';
import { tilesAdmin } from './admin/tiles-admin.js';
import { backchannelLogoutHandler } from './backchannel-logout.js';
import type { PortalConfig } from './config.js';
import type { HelpSource } from './help/help-content.js';
import { storedHelpSource } from './help/stored-help.js';
import { applyProxyTrust } from './http/forwarded.js';
import { headerBadges } from './http/header-badges.js';
import { language, localize } from './http/language.js';
import { loadPortalMember } from './http/member-context.js';
import { saveSessionBeforeRedirect } from './http/save-before-redirect.js';
import { errorHandler, securityHeaders } from './http/security.js';
import { IssuerKeys } from './issuer-keys.js';
import { PortalTokenVerifier } from './medical/access-token.js';
import { unreadMessagesBadge } from './messages/message-badge.js';
import { createNotificationWorker, type NotificationWorker } from './notifications/notification-worker.js';
import { RelyingParties } from './oidc-client.js';
import { authRoutes } from './routes/auth.js';
import { helpRoutes } from './routes/help.js';
import { homeRoutes } from './routes/home.js';
import { medicalRoutes } from './routes/medical.js';
import { messageRoutes } from './routes/messages.js';
import { notificationSettingsRoutes } from './routes/notification-settings.js';
import { maintenanceFeed, noticeBadge, noticeRoutes } from './routes/notices.js';
import { profileRoutes } from './routes/profile.js';
import { memberOf } from './session.js';
import { KnexSessionStore } from './session-store.js';

const SESSION_TTL_MS = 30 * 60 * 1000;

/** Renders a portal view inside the shared layout, with the member header when someone is logged in. */
function renderWithLayout(file: string, locals: object, done: (err: unknown, html?: string) => void): void {
  const render = async () => {
    const data = { brand: undefined, member: undefined, ...locals };
    const body = await ejs.renderFile(file, data, { cache: true, async: true });
    const header = data.member ? await ejs.renderFile(path.join(viewsDir, 'portal', '_header.ejs'), data, { cache: true, async: true }) : undefined;
    return ejs.renderFile(path.join(viewsDir, 'layout.ejs'), { ...data, header, body }, { cache: true, async: true });
  };
  render().then((html) => done(null, html), done);
}

/** What the portal reads that a deployment (or a test) may supply instead of its database: the help pages' content. */
export interface PortalServices {
  help?: HelpSource;
}

/** The portal: its web app, its session store, and its notification mail worker (not started: main.ts starts it). */
export function createPortal(config: PortalConfig, db: Database, services: PortalServices = {}): { app: Express; sessions: KnexSessionStore; notifications: NotificationWorker } {
  const app = express();
  const https = config.baseUrl.startsWith('https:');
  const rps = new RelyingParties(config.unions);
  const keys = new IssuerKeys(rps);
  const sessions = new KnexSessionStore(db, SESSION_TTL_MS);

  applyProxyTrust(app, config.trustProxy);
  app.set('views', viewsDir);
  app.engine('ejs', renderWithLayout);
  app.set('view engine', 'ejs');
  app.disable('x-powered-by');

  app.use(securityHeaders(https));
  app.use('/static', express.static(path.join(viewsDir, 'static'), { maxAge: '1h', index: false }));
  // Browsers ask every origin for /favicon.ico.
  app.get('/favicon.ico', (_req, res) => { res.type('image/svg+xml').sendFile(path.join(viewsDir, 'static', 'favicon.svg'), { maxAge: '1h' }); });
  app.get('/healthz', (_req, res) => { res.json({ status: 'ok' }); });
  // Forms of long text get room beyond the 16 kB of the rest: a 2,000-character reply is about 18 kB,
  // and a self-introduction pasted far over its 400 characters still comes back with its message.
  app.use(['/u/:slug/profile', '/u/:slug/messages'], express.urlencoded({ extended: false, limit: '64kb' }));
  app.use(express.urlencoded({ extended: false, limit: '16kb' }));
  app.use(session({
    name: 'kenpo_portal',
    secret: config.sessionSecret,
    store: sessions,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    cookie: { httpOnly: true, sameSite: 'lax', secure: https, maxAge: SESSION_TTL_MS },
  }));
  app.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  app.use(saveSessionBeforeRedirect);
  app.use(language({ https }));

  app.get('/', (_req, res) => {
    res.render('portal/index', { title: res.locals.t('common.portalTitle'), unions: config.unions });
  });

  const union = express.Router({ mergeParams: true });
  // No member header: a page's router may have set `member` (requireMember) without the header's `slug` and `csrf`.
  const notFound = (res: Response) => res.status(404).render('portal/error', { title: res.locals.t('common.notFoundTitle'), message: res.locals.t('common.notFound'), member: undefined });
  union.use((req, res, next) => {
    const found = rps.union(req.params.slug as string);
    if (!found) return notFound(res);
    res.locals.union = found;
    // The member's own language (their ID token's locale claim) comes after the switch, before the browser's.
    localize(req, res, { member: memberOf(req, found.slug)?.locale });
    next();
  });
  union.post('/backchannel-logout', backchannelLogoutHandler(db, keys));
  // Public, for the IdP's login page: no member, no session.
  union.get('/maintenance.json', maintenanceFeed(db));
  const verifier = new PortalTokenVerifier(keys);
  union.use('/admin', portalAdminRouter({ db, verifier, features: [auditAdmin(db), noticesAdmin(db), messagesAdmin(db), tilesAdmin(db), helpAdmin(db), notificationsAdmin(db)] }));
  union.use(loadPortalMember(db), headerBadges(db, [noticeBadge, unreadMessagesBadge]));
  union.use(authRoutes(rps, config.baseUrl, db, verifier));
  union.use(homeRoutes(db));
  union.use(helpRoutes(services.help ?? storedHelpSource(db)));
  union.use('/medical', medicalRoutes({ db, rps, verifier }));
  union.use('/notices', noticeRoutes(db));
  union.use(notificationSettingsRoutes(db));
  union.use('/profile', profileRoutes(db));
  union.use('/messages', messageRoutes(db));
  app.use('/u/:slug', union);

  app.use((_req, res) => notFound(res));
  app.use(errorHandler);
  const notifications = createNotificationWorker({
    db, unions: config.unions, baseUrl: config.baseUrl, mail: config.mail,
    // Each step of a conversation is bounded, so a hung server cannot hold the worker for long.
    mailer: createMailer({ smtpUrl: config.mail.smtpUrl, mailDir: config.mail.mailDir, timeoutMs: 60_000 }),
  });
  return { app, sessions, notifications };
}
