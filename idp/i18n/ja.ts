import type { Message } from '../../i18n/catalogue.js';

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

  // ── admin: the admin API's messages ──
} satisfies Record<string, Message>;

export type IdpCatalogue = typeof ja;
