import path from 'node:path';
import ejs from 'ejs';
import { viewsDir } from '../paths.js';
import type { Union } from '../unions/union-repository.js';
import type { OutgoingMail } from './mailer.js';

type Sender = keyof Union['policy']['mail'];

/**
 * Renders `views/mail/<name>.text.ejs` and `.html.ejs` into one multipart mail from the union's
 * sender for that kind of mail (no-reply, info or webmaster).
 */
export async function composeMail(
  union: Union,
  sender: Sender,
  to: string,
  name: string,
  subject: string,
  locals: Record<string, unknown>,
): Promise<OutgoingMail> {
  const data = { ...locals, union, subject };
  const render = (format: 'text' | 'html') => ejs.renderFile(path.join(viewsDir, 'mail', `${name}.${format}.ejs`), data, { async: true, cache: true });
  const [text, html] = await Promise.all([render('text'), render('html')]);
  return { from: `"${union.name}" <${union.policy.mail[sender]}>`, to, subject, text, html };
}
