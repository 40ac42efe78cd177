import type { Database } from '../../migrations/database.js';
import type { Locale } from '../../i18n/locale.js';
import { idpText } from '../i18n/text.js';
import type { Mailer } from '../../mail/mailer.js';
import { composeMail, mailRecipient } from '../mail/templates.js';
import { runDetached } from '../recovery/detached.js';
import type { Union } from '../unions/union-repository.js';
import { deviceParts } from './device-name.js';

/**
 * When an account locks, the member hears of it: what happened, from where, and what to do. Sent
 * after the answer (runDetached), so the locking attempt takes no longer than any other.
 */
export function announceLock(
  deps: { db: Database; mailer: Mailer },
  union: Union,
  accountId: string,
  /** `locale`: the language of the page the attempt came from. */
  lock: { cause: 'password' | 'second_factor'; ip?: string; userAgent?: string; locale?: Locale },
): void {
  runDetached('lock notice', async () => {
    const row = await deps.db('accounts').where({ id: accountId }).first('email', 'email_verified_at', 'language');
    if (!row?.email || row.email_verified_at === null) return;
    const to = mailRecipient(row.email, row.language, lock.locale);
    const { t } = idpText(to.locale);
    await deps.mailer.send(await composeMail(union, 'info', to, 'account-notice', 'mail.lock.subject', {
      lines: [
        t(lock.cause === 'password' ? 'mail.lock.password' : 'mail.lock.secondFactor', { union: union.name }),
        t('mail.lock.at', { at: new Date() }),
        ...(lock.userAgent ? [t('mail.lock.browser', deviceParts(lock.userAgent))] : []),
        ...(lock.ip ? [t('mail.lock.ip', { ip: lock.ip })] : []),
        '',
        t('mail.lock.knownBrowsers'),
        t(union.policy.passwordResetUnlocks ? 'mail.lock.resetUnlocks' : 'mail.lock.askUnion'),
      ],
    }));
  });
}
