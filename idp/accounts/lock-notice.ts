import type { Database } from '../../migrations/database.js';
import type { Mailer } from '../mail/mailer.js';
import { composeMail } from '../mail/templates.js';
import { formatJst } from '../mfa/factor-notice.js';
import { runDetached } from '../recovery/detached.js';
import type { Union } from '../unions/union-repository.js';
import { idpText } from '../i18n/text.js';
import { describeDevice } from './device-name.js';

/**
 * When an account locks, the member hears of it: what happened, from where, and what to do. Sent
 * after the answer (runDetached), so the locking attempt takes no longer than any other.
 */
export function announceLock(
  deps: { db: Database; mailer: Mailer },
  union: Union,
  accountId: string,
  lock: { cause: 'password' | 'second_factor'; ip?: string; userAgent?: string },
): void {
  runDetached('lock notice', async () => {
    const row = await deps.db('accounts').where({ id: accountId }).first('email', 'email_verified_at');
    if (!row?.email || row.email_verified_at === null) return;
    const what = lock.cause === 'password' ? 'パスワードが続けて誤って入力されたため' : '二要素認証のコードが続けて誤って入力されたため';
    await deps.mailer.send(await composeMail(union, 'info', row.email, 'account-notice', 'アカウントロックのお知らせ', {
      lines: [
        `${union.name} Webサービスのアカウントは、${what}、ロックされました。`,
        `日時：${formatJst(new Date())}`,
        ...(lock.userAgent ? [`ブラウザ：${idpText('ja').say(describeDevice(lock.userAgent))}`] : []),
        ...(lock.ip ? [`IPアドレス：${lock.ip}`] : []),
        '',
        '以前にログインしたことのあるブラウザからは、正しいパスワードで引き続きログインできます。',
        ...(union.policy.passwordResetUnlocks
          ? ['パスワードをお忘れの場合は、ログイン画面の「パスワードを忘れた方はこちら」から再設定すると、ロックも解除されます。']
          : ['ロックの解除は、ご加入の健康保険組合（組合管理者）へお問い合わせください。']),
      ],
    }));
  });
}
