import { Router, type Request, type Response } from 'express';
import { recordAudit, type AuditEntry } from '../../audit/audit-log.js';
import type { Database } from '../../migrations/database.js';
import type { PortalUnion } from '../config.js';
import type { HeaderBadges } from '../http/header-badges.js';
import { csrfToken, requireCsrf } from '../http/security.js';
import type { PortalSaid } from '../i18n/text.js';
import type { PortalMember } from '../members/portal-members.js';
import { addMemberReply, findMessageForCard, listMessagesForCard, markRead, type Card, type Message } from '../messages/message-repository.js';
import { characterCount, checkMemberReply, MEMBER_REPLY_MAX, normalizeNewlines } from '../messages/message-text.js';
import type { MemberSession } from '../session.js';
import { parsePlainText } from '../text/plain-text.js';
import { requireMember } from './home.js';

declare module 'express-session' {
  interface SessionData {
    /** The message a reply was just sent to: its page shows the success notice once. */
    messageReplySent?: number;
  }
}

/** The card the member's last login told the portal; a member without one has no MY mail. */
const cardOf = (res: Response): Card | null => {
  const household = (res.locals.portalMember as PortalMember | undefined)?.household;
  return household ? { kigo: household.kigo, bango: household.bango, edaban: household.edaban } : null;
};

const messageId = (value: unknown) => (typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : undefined);

/** MYメール: the member's list, a message with its thread, and the reply form of a 要返信 message. */
export function messageRoutes(db: Database): Router {
  const router = Router({ mergeParams: true });
  router.use(requireMember, (req, res, next) => {
    // What the member header needs, for pages rendered outside this router too (requireCsrf's refusal).
    const union = res.locals.union as PortalUnion;
    Object.assign(res.locals, { brand: union.name, slug: union.slug, csrf: csrfToken(req) });
    next();
  });

  const base = (res: Response) => `/u/${(res.locals.union as PortalUnion).slug}/messages`;
  const render = (_req: Request, res: Response, view: string, locals: object) => {
    res.render(`portal/messages/${view}`, { member: res.locals.member, base: base(res), ...locals });
  };
  const audit = (req: Request, res: Response, entry: Pick<AuditEntry, 'action' | 'target' | 'outcome' | 'detail'>) => recordAudit(db, {
    unionSlug: (res.locals.union as PortalUnion).slug, actor: `member:${(res.locals.member as MemberSession).sub}`, ip: req.ip ?? null, ...entry,
  });
  /** Whatever the id — another person's, another union's, none at all — the member learns only "not found". */
  const notFound = async (req: Request, res: Response, action: string) => {
    await audit(req, res, { action, target: `message:${String(req.params.id).slice(0, 20)}`, outcome: 'denied', detail: { reason: 'not-addressed' } });
    res.status(404).render('portal/error', { title: res.locals.t('common.notFoundTitle'), message: res.locals.t('common.notFound') });
  };

  const showMessage = (req: Request, res: Response, message: Message, form: { text: string; error?: PortalSaid; sent?: boolean }) => {
    render(req, res, 'show', {
      title: message.subject, message, blocks: parsePlainText(message.body),
      thread: message.entries.map((e) => ({ ...e, blocks: parsePlainText(e.text) })),
      form: { ...form, count: characterCount(form.text), max: MEMBER_REPLY_MAX },
    });
  };

  router.get('/', async (req, res) => {
    const union = res.locals.union as PortalUnion;
    const card = cardOf(res);
    const messages = card ? await listMessagesForCard(db, union.slug, card) : [];
    render(req, res, 'index', { title: res.locals.t('mymail.title'), messages });
  });

  router.get('/:id', async (req, res) => {
    const union = res.locals.union as PortalUnion;
    const card = cardOf(res);
    const id = messageId(req.params.id);
    const message = card && id !== undefined ? await findMessageForCard(db, union.slug, card, id) : undefined;
    if (!message) return notFound(req, res, 'mymail.read');
    await markRead(db, message.id, message.unionVersion);
    await audit(req, res, { action: 'mymail.read', target: `message:${message.id}`, outcome: 'success', detail: { wasUnread: message.unread } });
    // The header's count was taken before this page marked the message read.
    const badges = res.locals.badges as HeaderBadges | undefined;
    if (message.unread && badges?.messages) badges.messages -= 1;
    const sent = req.session.messageReplySent === message.id;
    if (sent) delete req.session.messageReplySent;
    showMessage(req, res, message, { text: '', sent });
  });

  router.post('/:id/replies', requireCsrf, async (req, res) => {
    const union = res.locals.union as PortalUnion;
    const member = res.locals.member as MemberSession;
    const card = cardOf(res);
    const id = messageId(req.params.id);
    const message = card && id !== undefined ? await findMessageForCard(db, union.slug, card, id) : undefined;
    if (!card || !message) return notFound(req, res, 'mymail.reply');
    const typed = typeof req.body?.text === 'string' ? normalizeNewlines(req.body.text) : '';
    if (!message.replyRequested) return showMessage(req, res.status(400), message, { text: typed, error: 'mymail.notReplyable' });
    const check = checkMemberReply(typed);
    if (!check.ok) return showMessage(req, res.status(400), message, { text: typed, error: check.said });
    const outcome = await addMemberReply(db, { unionSlug: union.slug, card, id: message.id, sub: member.sub, text: check.text });
    if (outcome.state !== 'added') return notFound(req, res, 'mymail.reply');
    await audit(req, res, {
      action: 'mymail.reply', target: `message:${message.id}`, outcome: 'success', detail: { entry: outcome.entry.id, characters: characterCount(check.text) },
    });
    req.session.messageReplySent = message.id;
    res.redirect(303, `${base(res)}/${message.id}`);
  });

  return router;
}
