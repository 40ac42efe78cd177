import path from 'node:path';
import ejs from 'ejs';
import { DEFAULT_LOCALE, supportedLocale, type Locale } from '../../i18n/locale.js';
import { idpText, type IdpSaid } from '../i18n/text.js';
import { viewsDir } from '../../project/paths.js';
import type { Union } from '../unions/union-repository.js';
import type { OutgoingMail } from '../../mail/mailer.js';

type Sender = keyof Union['policy']['mail'];

/** Where a mail goes and the language it is written in. */
export interface MailRecipient {
  email: string;
  locale: Locale;
}

/**
 * A member's mail is in their own language (言語, `accounts.language`) when they chose one, else in
 * the language of the page that caused it, else Japanese.
 */
export function mailRecipient(email: string, memberLanguage: string | null | undefined, pageLocale?: Locale): MailRecipient {
  return { email, locale: supportedLocale(memberLanguage) ?? pageLocale ?? DEFAULT_LOCALE };
}

/**
 * Renders `views/mail/<name>.text.ejs` and `.html.ejs` into one multipart mail in the recipient's
 * language, from the union's sender for that kind of mail (no-reply, info or webmaster). Templates
 * get `t` (idp/i18n, the `mail` section) and `lang`.
 */
export async function composeMail(
  union: Union,
  sender: Sender,
  to: MailRecipient,
  name: string,
  subject: IdpSaid,
  locals: Record<string, unknown>,
): Promise<OutgoingMail> {
  const text = idpText(to.locale);
  const data = { ...locals, union, subject: text.say(subject), t: text.t, lang: to.locale };
  const render = (format: 'text' | 'html') => ejs.renderFile(path.join(viewsDir, 'mail', `${name}.${format}.ejs`), data, { async: true, cache: true });
  const [textPart, html] = await Promise.all([render('text'), render('html')]);
  return { from: `"${union.name}" <${union.policy.mail[sender]}>`, to: to.email, subject: data.subject, text: textPart, html };
}
