import path from 'node:path';
import ejs from 'ejs';
import type { Locale } from '../../i18n/locale.js';
import type { OutgoingMail } from '../../mail/mailer.js';
import { viewsDir } from '../../project/paths.js';
import { DEFAULT_INFO_MAIL, type PortalUnion } from '../config.js';
import { portalText } from '../i18n/text.js';
import type { NotificationKind } from './notification-settings.js';

/** Where each kind of mail sends the member: the portal page with what is new. */
const PAGE: Record<NotificationKind, string> = { medical: 'medical/', notices: 'notices', messages: 'messages' };

export interface NotificationMailInput {
  union: Pick<PortalUnion, 'slug' | 'name' | 'infoMail'>;
  /** The portal's public origin (PORTAL_BASE_URL). */
  baseUrl: string;
  kind: NotificationKind;
  locale: Locale;
  to: string;
  /** The delivery's id: the Message-ID, the same at every attempt of this mail. */
  deliveryId: string;
}

/**
 * A notification mail from the union's info@ address, text and HTML, in the member's language. It
 * says only that something new is there and where to look: no amounts, no titles, no message text
 * (medical data is 要配慮個人情報, and mail travels and is kept where the union cannot protect it),
 * and no name either (two members may share the address the one mail goes to).
 */
export async function composeNotificationMail(input: NotificationMailInput): Promise<OutgoingMail> {
  const { union, baseUrl, kind, locale } = input;
  const text = portalText(locale);
  const portal = `${baseUrl}/u/${union.slug}`;
  const subject = text.t('notifications.mail.subject', { kind, union: union.name });
  const data = {
    t: text.t, lang: locale, subject, union: union.name, kind,
    link: `${portal}/${PAGE[kind]}`, settingsLink: `${portal}/settings/notifications`,
  };
  const render = (format: 'text' | 'html') =>
    ejs.renderFile(path.join(viewsDir, 'portal', 'mail', `notification.${format}.ejs`), data, { async: true, cache: true });
  const [textPart, html] = await Promise.all([render('text'), render('html')]);
  const from = union.infoMail ?? DEFAULT_INFO_MAIL;
  return {
    from: `"${union.name.replace(/["\\]/g, '')}" <${from}>`,
    to: input.to,
    subject,
    text: textPart,
    html,
    messageId: `<${input.deliveryId}@${from.slice(from.lastIndexOf('@') + 1)}>`,
    // RFC 3834: no vacation auto-replies to a notification.
    headers: { 'Auto-Submitted': 'auto-generated' },
  };
}
