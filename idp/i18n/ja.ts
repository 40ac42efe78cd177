import type { Message } from '../../i18n/catalogue.js';
import { formatJst } from '../mail/dates.js';

/** A browser as describeDevice (idp/accounts/device-name.ts) finds it: 「Chrome（Windows）」. */
type Device = { browser?: string; system?: string };
const device = (p: Device) => (p.system ? `${p.browser ?? '不明なブラウザ'}（${p.system}）` : p.browser ?? '不明なブラウザ');

/**
 * The IdP's Japanese: every sentence of its pages, mails and the member-facing errors, keyed by
 * `<area>.<name>`. The spec's messages stay exactly as the spec gives them. Japanese defines the
 * keys; en.ts must define each of them (the compiler checks).
 */
export const ja = {
  // ── common: layout, errors, shared phrases ──
  'common.languageSwitch': '表示言語',
  'common.errorTitle': 'エラー',
  'common.errorHeading': 'エラーが発生しました',
  'common.errorCode': (p: { code: string }) => `エラーコード: ${p.code}`,
  'common.notFound': 'ページが見つかりません。URLをご確認ください。',
  'common.serverError': 'サーバーでエラーが発生しました。しばらくしてからもう一度お試しください。',
  'common.badRequest': 'リクエストを処理できませんでした。もう一度お試しください。',
  'common.formExpired': 'フォームの有効期限が切れました。もう一度お試しください。',
  'common.formExpiredOpenLink': 'フォームの有効期限が切れました。もう一度URLを開いてください。',
  'common.formExpiredOpenMailLink': 'フォームの有効期限が切れました。もう一度メールのURLを開いてください。',
  'common.loginExpired': 'ログインの有効期限が切れました。もう一度ログインしてください。',
  'common.backToPortal': 'ポータルに戻る',

  // ── login: the login page and the sign-in steps ──
  'login.title': 'ログイン',
  'login.reauth': '続行するには再度認証してください',
  'login.userId': 'ユーザID',
  'login.password': 'パスワード',
  'login.remember': 'ログイン状態の保存',
  'login.submit': 'ログイン',
  'login.forgotPassword': 'パスワードを忘れた方はこちら',
  'login.forgotUserId': 'ユーザIDを忘れた方はこちら',
  'login.error.throttled': (p: { minutes: number }) => `ログインの試行が多すぎます。しばらく時間をおいてから（約${p.minutes}分後に）もう一度お試しください。`,
  'login.error.missing': 'ユーザIDとパスワードを入力してください。',
  'login.error.invalid': '無効なユーザIDまたはパスワードです。',
  'login.error.locked': 'アカウントがロックされています。ご加入の健康保険組合（組合管理者）へお問い合わせください。',
  'login.error.temporary_expired': '仮パスワードの有効期限が切れています。健康保険組合に仮ユーザID・仮パスワードの再発行をご依頼ください。',
  'login.error.no_mailbox': '確認済みのメールアドレスが登録されていないため、初期パスワードではログインできません。ご加入の健康保険組合に仮ユーザID・仮パスワード（はがき）の発行をご依頼ください。',

  // ── console: the account console ──
  'console.factorNotFound': 'この認証方法は見つかりません。',

  // ── recovery: forgotten password and user ID ──

  // ── mail: subjects and bodies ──
  // Between two sentences of one paragraph: Japanese runs them together.
  'mail.sentenceGap': '',
  'mail.labelSeparator': '：',
  'mail.noReply': 'このメールは送信専用アドレスから送信しています。ご返信いただいてもお答えできません。',
  'mail.noReplyShort': 'このメールは送信専用アドレスから送信しています。',
  'mail.discard': 'お心当たりのない場合は、このメールを破棄してください。',
  'mail.pasteLink': 'リンクが開けない場合は、次のURLをブラウザに貼り付けてください。',
  'mail.onceOnly': 'このURLは一度だけ有効です。',
  'mail.onceOnlyDiscard': 'このURLは一度だけ有効です。お心当たりのない場合は、このメールを破棄してください。',
  'mail.notYouContact': (p: { union: string }) => `お心当たりのない場合は、${p.union}へご連絡ください。`,
  'mail.notYouContactNow': (p: { union: string }) => `お心当たりのない場合は、すぐに${p.union}へご連絡ください。`,
  'mail.notYouThirdParty': (p: { union: string }) => `お心当たりのない場合は、第三者がアカウントを操作した可能性があります。すぐに${p.union}へご連絡ください。`,
  'mail.newAddress': (p: { email: string }) => `新しいメールアドレス：${p.email}`,
  'mail.dateTime': (p: { at: Date }) => `${formatJst(p.at)}（日本時間）`,
  'mail.device': (p: Device) => device(p),

  'mail.emailOtp.subject': 'ワンタイムパスワードのお知らせ',
  'mail.emailOtp.intro': (p: { union: string }) => `${p.union} Webサービスのログインに使うワンタイムパスワードをお知らせします。`,
  'mail.emailOtp.code': 'ワンタイムパスワード',
  'mail.emailOtp.valid': (p: { minutes: number }) => `有効期限は${p.minutes}分です。ログイン画面に入力して「実行」を押してください。`,
  'mail.emailOtp.keepSecret': 'このコードを他の人に教えないでください。お心当たりのない場合は、このメールを破棄し、パスワードの変更をご検討ください。',

  'mail.verifyEmail.subject': 'メールアドレスの確認',
  'mail.verifyEmail.thanks': (p: { union: string }) => `${p.union} Webサービスをご利用いただきありがとうございます。`,
  'mail.verifyEmail.openLink': (p: { minutes: number }) => `メールアドレスの確認のため、${p.minutes}分以内に次のリンクを開き、「メールアドレスを確認する」ボタンを押してください。`,
  'mail.verifyEmail.openUrl': (p: { minutes: number }) => `メールアドレスの確認のため、${p.minutes}分以内に次のURLを開き、「メールアドレスを確認する」ボタンを押してください。`,
  'mail.verifyEmail.button': 'メールアドレスを確認する',
  'mail.verifyEmail.expired': 'このURLは一度だけ有効です。期限が切れた場合は、ログイン画面から再送信してください。',

  'mail.verifyNewEmail.subject': 'メールアドレス変更の確認',
  'mail.verifyNewEmail.received': (p: { union: string }) => `${p.union} Webサービスのメールアドレス変更を受け付けました。`,
  'mail.verifyNewEmail.openLink': (p: { minutes: number }) => `${p.minutes}分以内に次のリンクを開き、「確認する」を押してください。押すまでメールアドレスは変更されません。`,
  'mail.verifyNewEmail.openUrl': (p: { minutes: number }) => `${p.minutes}分以内に次のURLを開き、「確認する」を押してください。押すまでメールアドレスは変更されません。`,
  'mail.verifyNewEmail.link': 'メールアドレスを確認',

  'mail.emailChangeRequested.subject': 'メールアドレス変更受付のお知らせ',
  'mail.emailChangeRequested.intro': (p: { union: string }) => `${p.union} Webサービスで、メールアドレスを次のアドレスに変更する手続きが行われました。`,
  'mail.emailChangeRequested.stillHere': 'このメールアドレスには、変更の確認が済むまでメールが届き続けます。',
  'mail.emailChangeRequested.openLink': (p: { days: number }) => `心当たりがない場合は、${p.days}日以内に次のリンクを開き、「変更を取り消す」を押してください。`,
  'mail.emailChangeRequested.openUrl': (p: { days: number }) => `心当たりがない場合は、${p.days}日以内に次のURLを開き、「変更を取り消す」を押してください。`,
  'mail.emailChangeRequested.undo': '変更は取り消され、既に変更されていた場合はこのメールアドレスに戻ります（その場合、すべての端末からサインアウトし、新しいパスワードの設定をお願いします）。',
  'mail.emailChangeRequested.link': '心当たりがない場合',
  'mail.emailChangeRequested.ifYou': 'このURLは一度だけ有効です。ご自身で変更された場合は、このメールを破棄してください。',

  'mail.setupFactor.subject': '認証方法の再設定のご案内',
  'mail.setupFactor.intro': (p: { union: string }) => `${p.union} Webサービスのログインで、認証方法の再設定が求められています。`,
  'mail.setupFactor.openLink': (p: { minutes: number }) => `ご本人の確認のため、${p.minutes}分以内に次のリンクを開き、「メールアドレスを確認する」ボタンを押してください。その後、ログイン中の画面で「続ける」を押すと認証方法を設定できます。`,
  'mail.setupFactor.openUrl': (p: { minutes: number }) => `ご本人の確認のため、${p.minutes}分以内に次のURLを開き、「メールアドレスを確認する」ボタンを押してください。その後、ログイン中の画面で「続ける」を押すと認証方法を設定できます。`,
  'mail.setupFactor.notYou': 'お心当たりのない場合は、URLを開かずにこのメールを破棄し、パスワードの変更をご検討ください。',
  'mail.setupFactor.onceNotYou': 'このURLは一度だけ有効です。お心当たりのない場合は、URLを開かずにこのメールを破棄し、パスワードの変更をご検討ください。',

  'mail.welcome.subject': (p: { union: string }) => `${p.union} Webサービスへようこそ`,
  'mail.welcome.greeting': (p: { name: string }) => `${p.name} 様`,
  'mail.welcome.welcome': (p: { union: string }) => `${p.union} Webサービスへようこそ。`,
  'mail.welcome.done': '初回登録が完了しました。次回からは、新しいユーザIDとパスワード、設定した認証方法でログインしてください。',

  'mail.resetPassword.subject': 'パスワードのリセット',
  'mail.resetPassword.received': (p: { union: string }) => `${p.union} Webサービスのパスワードのリセットを受け付けました。`,
  'mail.resetPassword.openLink': (p: { minutes: number }) => `${p.minutes}分以内に次のリンクを開き、新しいパスワードを設定してください。`,
  'mail.resetPassword.openUrl': (p: { minutes: number }) => `${p.minutes}分以内に次のURLを開き、新しいパスワードを設定してください。`,
  'mail.resetPassword.link': 'パスワードをリセット',
  'mail.resetPassword.expired': 'このURLは一度だけ有効です。期限が切れた場合は、ログイン画面の「パスワードを忘れた方はこちら」からもう一度お手続きください。',
  'mail.resetPassword.secondFactor': '2段階認証を設定している場合、新しいパスワードを設定した後もログイン時にその認証が必要です。',
  'mail.resetPassword.unchanged': 'お心当たりのない場合は、このメールを破棄してください。パスワードは変更されません。',
  'mail.resetPassword.onceUnchanged': 'このURLは一度だけ有効です。お心当たりのない場合は、このメールを破棄してください。パスワードは変更されません。',

  'mail.passwordChanged.subject': 'パスワード変更のお知らせ',
  'mail.passwordChanged.changed': (p: { union: string }) => `${p.union} Webサービスのパスワードが変更されました。`,
  'mail.passwordChanged.byReset': '「パスワードを忘れた方はこちら」から新しいパスワードが設定されました。',
  'mail.passwordChanged.notYou': (p: { union: string }) => `お心当たりのない場合は、第三者がメールを見てパスワードを変更した可能性があります。すぐに${p.union}へご連絡ください。`,
  'mail.passwordChanged.inConsole': (p: { union: string }) => `${p.union} Webサービスのパスワードが変更されました（アカウント管理の「ログイン方法変更」から）。`,
  'mail.passwordChanged.signedOutOthers': '他のすべてのデバイスからサインアウトしました。',

  'mail.recoverUserId.subject': 'ユーザIDのご案内',
  'mail.recoverUserId.received': (p: { union: string }) => `${p.union} WebサービスのユーザID再通知を受け付けました。`,
  'mail.recoverUserId.openLink': (p: { hours: number }) => `${p.hours}時間以内に次のリンクを開き、「ユーザIDを表示する」ボタンを押すと、あなたのユーザIDが表示されます。`,
  'mail.recoverUserId.openUrl': (p: { hours: number }) => `${p.hours}時間以内に次のURLを開き、「ユーザIDを表示する」ボタンを押すと、あなたのユーザIDが表示されます。`,
  'mail.recoverUserId.link': 'ユーザIDを確認する',
  'mail.recoverUserId.superseded': 'このURLは一度だけ有効です。新しい再通知メールを送ると、このメールのURLは使えなくなります。',

  'mail.temporaryPassword.subject': '仮パスワードのお知らせ',
  'mail.temporaryPassword.reset': (p: { union: string }) => `${p.union} Webサービスのパスワードを初期化しました。`,
  'mail.temporaryPassword.label': '仮パスワード',
  'mail.temporaryPassword.logIn': 'ユーザIDとこの仮パスワードでログインし、新しいパスワードを設定してください（2段階認証を設定している場合は、その認証も必要です）。',

  'mail.lock.subject': 'アカウントロックのお知らせ',
  'mail.lock.password': (p: { union: string }) => `${p.union} Webサービスのアカウントは、パスワードが続けて誤って入力されたため、ロックされました。`,
  'mail.lock.secondFactor': (p: { union: string }) => `${p.union} Webサービスのアカウントは、二要素認証のコードが続けて誤って入力されたため、ロックされました。`,
  'mail.lock.at': (p: { at: Date }) => `日時：${formatJst(p.at)}`,
  'mail.lock.browser': (p: Device) => `ブラウザ：${device(p)}`,
  'mail.lock.ip': (p: { ip: string }) => `IPアドレス：${p.ip}`,
  'mail.lock.knownBrowsers': '以前にログインしたことのあるブラウザからは、正しいパスワードで引き続きログインできます。',
  'mail.lock.resetUnlocks': 'パスワードをお忘れの場合は、ログイン画面の「パスワードを忘れた方はこちら」から再設定すると、ロックも解除されます。',
  'mail.lock.askUnion': 'ロックの解除は、ご加入の健康保険組合（組合管理者）へお問い合わせください。',

  'mail.factor.subject.added': '認証方法追加のお知らせ',
  'mail.factor.subject.removed': '認証方法削除のお知らせ',
  'mail.factor.subject.reset': '認証方法リセットのお知らせ',
  'mail.factor.subject.recovery_codes_generated': 'リカバリーコード発行のお知らせ',
  'mail.factor.subject.recovery_code_used': 'リカバリーコード使用のお知らせ',
  'mail.factor.summary.added': (p: { union: string }) => `${p.union} Webサービスのログインに使う認証方法が追加されました。`,
  'mail.factor.summary.removed': (p: { union: string }) => `${p.union} Webサービスのログインに使う認証方法が削除されました。`,
  'mail.factor.summary.reset': (p: { union: string }) => `${p.union}の管理者により、${p.union} Webサービスの二要素認証の設定がリセットされました。次回ログイン時に認証方法をもう一度設定していただきます。`,
  'mail.factor.summary.recovery_codes_generated': (p: { union: string }) => `${p.union} Webサービスのリカバリーコードが新しく発行されました。以前のリカバリーコードは使用できなくなりました。`,
  'mail.factor.summary.recovery_code_used': (p: { union: string }) => `${p.union} Webサービスへのログインにリカバリーコードが使用されました。`,
  'mail.factor.method': '認証方法',
  'mail.factor.method.passkey': '生体認証（パスキー）',
  'mail.factor.method.totp': 'OTPアプリ認証（認証アプリ）',
  'mail.factor.method.email_otp': 'OTPメール認証',
  'mail.factor.method.recovery_code': 'リカバリーコード',
  'mail.factor.method.all': 'すべての二要素認証',
  'mail.factor.device': 'デバイス名',
  'mail.factor.remaining': '残りのリカバリーコード',
  'mail.factor.remainingCount': (p: { count: number }) => `${p.count}個`,
  'mail.factor.operation': '操作',
  'mail.factor.byAdmin': (p: { union: string }) => `${p.union}の管理者による操作`,
  'mail.factor.browser': 'ブラウザ',
  'mail.factor.at': '日時',
  'mail.factor.ip': 'IPアドレス',
  'mail.factor.ifYou': 'ご自身で操作された場合は、このメールへの対応は不要です。',
  'mail.factor.notYou': 'お心当たりがない場合',
  'mail.factor.reportLink': (p: { union: string }) => `第三者があなたのアカウントを操作した可能性があります。次のリンクを開き、「ログインを止めて報告する」を押してください。すべてのデバイスからサインアウトし、${p.union}へ報告します。`,
  'mail.factor.reportUrl': (p: { union: string }) => `第三者があなたのアカウントを操作した可能性があります。次のURLを開き、「ログインを止めて報告する」を押してください。すべてのデバイスからサインアウトし、${p.union}へ報告します。`,
  'mail.factor.report': 'ログインを止めて報告する',
  'mail.factor.afterReport': (p: { union: string; days: number }) => `このURLは${p.days}日間有効で、一度だけ使用できます。報告の後は、ログイン画面の「パスワードを忘れた方」から新しいパスワードを設定し、${p.union}へご連絡ください。`,

  'mail.emailChanged.subject': 'メールアドレス変更のお知らせ',
  'mail.emailChanged.changed': (p: { union: string }) => `${p.union} Webサービスに登録されたメールアドレスが変更されました。`,
  'mail.emailChanged.undo': 'お心当たりのない場合は、変更の受付時にお送りしたメールの「心当たりがない場合」のURLから元に戻せます（7日間有効）。',
  'mail.emailChangeCancelled.subject': 'メールアドレス変更取り消しのお知らせ',
  'mail.emailChangeCancelled.cancelled': (p: { union: string }) => `${p.union} Webサービスのメールアドレス変更を取り消しました。メールアドレスは変更されていません。`,
  'mail.emailChangeCancelled.changePassword': '念のため、アカウント管理の「ログイン方法変更」からパスワードを変更してください。',
  'mail.emailRestored.subject': 'メールアドレス復元のお知らせ',
  'mail.emailRestored.restored': (p: { union: string }) => `${p.union} Webサービスのメールアドレスを元に戻し、すべての端末からサインアウトしました。`,
  'mail.emailRestored.newPassword': 'これまでのパスワードではログインできません。「パスワードを忘れた方はこちら」から新しいパスワードを設定してください。',

  // ── admin: the admin API's messages ──
} satisfies Record<string, Message>;

export type IdpCatalogue = typeof ja;
