import type { Message } from '../../i18n/catalogue.js';
import type { CharacterKind } from '../accounts/field-rules.js';

const jaKinds = (kinds: CharacterKind[]) => kinds.map((k) => ({ letter: '英字', digit: '数字', symbol: '記号' })[k]).join('・');

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

  // ── fields: the rules of user IDs, e-mail addresses and passwords (journey, console, recovery) ──
  'fields.userId.empty': 'ユーザIDを入力してください。',
  'fields.userId.length': 'ユーザIDは3文字以上255文字以内で入力してください。',
  'fields.userId.characters': 'ユーザIDに使用できない文字が含まれています。半角英数字と「- _ . @」が使用できます。',
  'fields.userId.taken': 'このユーザIDは既に使用されています。別のユーザIDを入力してください。',
  'fields.userId.whiteSpace': '空白',
  'fields.email.empty': 'メールアドレスを入力してください。',
  'fields.email.taken': '他のアカウントで設定されているメールアドレスです。別のメールアドレスを入力してください。',
  'fields.email.invalid': '無効なメールアドレスです。入力したメールアドレスに誤りがないかご確認ください。',
  'fields.email.tooLong': '設定可能なメールアドレスの最大文字数は255文字です。',
  'fields.email.current': '現在のメールアドレスと同じです。',
  'fields.password.rule': (p: { min: number; max: number; kinds: CharacterKind[] }) =>
    `${p.min}文字以上${p.max}文字以内の半角英数字・記号${p.kinds.length ? `（${jaKinds(p.kinds)}をそれぞれ1文字以上含む）` : ''}`,
  'fields.password.empty': 'パスワードを入力してください。',
  'fields.password.length': (p: { min: number; max: number }) => `パスワードは${p.min}文字以上${p.max}文字以内で入力してください。`,
  'fields.password.characters': 'パスワードに使用できない文字が含まれています。半角英数字と記号が使用できます。',
  'fields.password.missingKinds': (p: { kinds: CharacterKind[] }) => `パスワードには${jaKinds(p.kinds)}を1文字以上含めてください。`,
  'fields.password.sameAsUserId': 'ユーザIDと同じパスワードは設定できません。',
  'fields.password.mismatch': '確認用のパスワードが一致しません。',
  'fields.password.sameAsCurrent': '現在のパスワードと同じパスワードは設定できません。',
  'fields.password.sameAsTemporary': '仮パスワードと同じパスワードは設定できません。',
  'fields.password.common': 'よく使われているパスワードのため設定できません。推測されにくいパスワードを入力してください。',
  'fields.password.contextWord': 'ユーザID・生年月日・保険証の記号番号など、推測されやすい情報を含むパスワードは設定できません。',
  'fields.device.unknownBrowser': '不明なブラウザ',
  'fields.device.browserOn': (p: { browser?: string; system: string }) => `${p.browser ?? '不明なブラウザ'}（${p.system}）`,

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
