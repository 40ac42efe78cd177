import type { Message } from '../../i18n/catalogue.js';
import { ETAX_UNSIGNED_NOTE } from '../exports/etax-xml.js';
import { careLabel, yen } from '../medical/format.js';
import type { CareCategory } from '../medical/model.js';
import { monthLabel } from '../medical/period.js';
import { messageTime } from '../messages/message-text.js';

/** The two ends of the filter's period, as its labels name them. */
export type FilterEnd = 'from' | 'to';
const FILTER_LABEL: Record<FilterEnd, string> = { from: '診療年月（開始）', to: '診療年月（終了）' };

/**
 * The portal's Japanese: every sentence of its pages and errors, keyed by `<area>.<name>`. Dates,
 * amounts and 診療区分 are spelled as the downloads spell them (portal/medical/format.ts, period.ts),
 * which stay Japanese whatever the page's language. en.ts must define each key (the compiler checks).
 */
export const ja = {
  // ── common: layout, errors, the portal's top page ──
  'common.languageSwitch': '表示言語',
  'common.portalTitle': '健康保険組合ポータル',
  'common.noUnions': '利用できる健康保険組合が設定されていません。運用者にお問い合わせください。',
  'common.chooseUnion': 'ご加入の健康保険組合を選んでください。',
  'common.errorTitle': 'エラー',
  'common.notFoundTitle': 'ページが見つかりません',
  'common.notFound': 'ページが見つかりません。URLをご確認ください。',
  'common.formExpired': 'フォームの有効期限が切れました。ページを再読み込みしてからもう一度お試しください。',
  'common.tooLarge': '送信内容が大きすぎます。',
  'common.badRequest': '要求を処理できませんでした。',
  'common.serverError': 'サーバーでエラーが発生しました。しばらくしてからもう一度お試しください。',
  'common.loginAgain': 'もう一度ログインする',
  'common.backToTop': 'ポータルのトップへ',

  // ── member: the header and home of a logged-in member ──
  'member.menu': '会員メニュー',
  'member.name': (p: { name: string }) => `${p.name} 様`,
  'member.account': 'アカウント管理',
  'member.logout': 'ログアウト',
  'member.homeTitle': 'ホーム',
  'member.welcome': (p: { name: string }) => `ようこそ、${p.name} 様`,
  'member.services': 'サービス',

  // ── auth: login callback and logout ──
  'auth.loginExpired': 'ログインの有効期限が切れました。もう一度ログインしてください。',
  'auth.deniedTitle': 'ログインを中止しました',
  'auth.deniedTerms': '利用規約に同意いただけなかったため、ログインを中止しました。ご利用になるには、もう一度ログインして利用規約に同意してください。',
  'auth.denied': 'ログインを中止しました。ご利用になるには、もう一度ログインしてください。',
  'auth.failed': 'ログインできませんでした。もう一度お試しください。',
  'auth.stepUpTitle': '二段階認証が必要です',
  'auth.stepUp': 'この健康保険組合の医療費情報は、二段階認証でログインした場合にのみ表示できます。ログイン方法（二段階認証）を設定してから、もう一度ログインしてください。',
  'auth.loggedOutTitle': 'ログアウトしました',
  'auth.thanks': 'ご利用ありがとうございました。',

  // ── medical: 医療費情報 (summary, statements, filter, downloads) ──
  'medical.title': '医療費情報',
  'medical.yen': (p: { amount: number }) => yen(p.amount),
  'medical.month': (p: { month: string }) => monthLabel(p.month),
  'medical.monthOfYear': (p: { month: string }) => `${Number(p.month.slice(5, 7))}月`,
  'medical.year': (p: { year: number }) => `${p.year}年`,
  'medical.care': (p: { category: CareCategory; days: number }) => careLabel(p),
  'medical.period.range': (p: { from: string; to: string }) => `${monthLabel(p.from)}〜${monthLabel(p.to)}`,
  'medical.statementTitle': (p: { period: string }) => `${p.period}の医療費明細`,
  'medical.delayNote': '医療費情報は、原則として受診から約3か月後に掲載されます。医療機関からの請求状況により、さらに遅れることもあります。',
  'medical.latestHeading': '最新の自己負担総額',
  'medical.treatedInMonth': (p: { month: string }) => `${monthLabel(p.month)}診療分`,
  'medical.noData': '該当するデータはありません。',
  'medical.seeMonth': (p: { month: string }) => `（${monthLabel(p.month)}の医療費明細を見る）`,
  'medical.thisYearHeading': '今年の自己負担総額',
  'medical.treatedInYear': (p: { year: number }) => `${p.year}年診療分`,
  'medical.seeYearHidden': (p: { year: number }) => `（${p.year}年の医療費明細を見る）`,
  'medical.thisYearEmpty': '今年の医療費情報はまだありません。',
  'medical.historyHeading': '過去の医療費自己負担額',
  'medical.yearTotal': '自己負担総額',
  'medical.yearEmpty': 'この年の医療費情報はありません。',
  'medical.monthStatement': (p: { month: string }) => `（${monthLabel(p.month)}の医療費明細）`,
  'medical.seeYear': (p: { year: number }) => `${p.year}年の医療費明細を見る`,
  'medical.deductionHeading': '医療費控除用のデータ',
  'medical.deductionText': '年を選ぶと、その年の医療費明細とダウンロード（PDF・CSV・医療費集計フォーム・e-Tax用XML）が表示されます。',
  'medical.deductionYear': (p: { year: number }) => `${p.year}年分`,
  'medical.backToSummary': '医療費情報に戻る',
  'medical.yearAndDownloads': (p: { year: number }) => `${p.year}年の医療費明細とダウンロード`,
  'medical.unavailableTitle': 'ただいま表示できません',
  'medical.unavailable': '現在、医療費情報を表示できません。しばらくしてからもう一度お試しください。',

  // ── statement: the table, its totals and notes (the download files say the same in Japanese) ──
  'statement.paidHeading': 'あなたが支払った額',
  'statement.insurer': '保険者名',
  'statement.insurerNumber': (p: { number: string }) => `（保険者番号 ${p.number}）`,
  'statement.insured': '被保険者氏名',
  'statement.empty': 'この期間の医療費情報はありません。',
  'statement.month': '診療年月',
  'statement.patient': '受診者',
  'statement.facility': '医療機関',
  'statement.care': '診療区分/日数(回数)',
  'statement.totalCost': '医療費総額',
  'statement.breakdown': '医療費の内訳',
  'statement.insurerPaid': '保険者負担額',
  'statement.publicPaid': '公費負担額',
  'statement.selfPaid': '自己負担額',
  'statement.note': '備考',
  'statement.total': '合計',
  'statement.notesHeading': '医療費明細の見方',
  'statement.notes.rows': '記載は、1行につき1か月間に1つの医療機関で受診された分をまとめています。',
  'statement.notes.uninsured': '医療費の額には保険外負担（差額ベッド代、歯科における自費診療分等）は含まれておりません。',
  'statement.notes.subsidy': '市町村の医療費助成等を受けている方は、助成分等が「自己負担額」の欄に記載される場合もあります。',
  'statement.notes.rounding': '自己負担額等は、端数処理や審査等によって、実際の支払額とは異なる場合があります。',
  'statement.notes.facility': '医療機関名は、データに含まれていない場合は表示されません。',
  'statement.notes.deduction': '確定申告（医療費控除）には、年間の医療費明細からダウンロードできる医療費通知データ（e-Tax XML）または医療費集計フォームをご利用ください。',

  // ── downloads: the year's four files (their contents are Japanese by design) ──
  'downloads.heading': (p: { year: number }) => `${p.year}年分のダウンロード`,
  'downloads.text': (p: { year: number }) => `医療費控除の申告や保存用に、${p.year}年診療分の医療費明細をダウンロードできます。`,
  'downloads.pdf': '医療費明細（PDF）',
  'downloads.csv': '医療費通知データ（CSV）',
  'downloads.xlsx': '医療費集計フォーム（Excel）',
  'downloads.xml': '医療費通知データ（e-Tax XML）',
  'downloads.unsigned': ETAX_UNSIGNED_NOTE,
  'downloads.household': '医療費通知データは、当システムに登録されている世帯全員の医療費情報がまとめて出力されます。ご家族の同意を確認のうえご利用ください。ダウンロードした時点で登録されている医療費情報を出力するため、直近に受診した分が含まれていない場合があります。',
  'downloads.tooManyRows': (p: { max: number; count: number }) => `医療費集計フォームに入る明細は${p.max}件までです（この期間は${p.count}件あります）。CSV または PDF をご利用ください。`,
  'downloads.amountOutOfRange': (p: { month: string; amount: number }) => `医療費集計フォームに入らない金額があります（${p.month} ${p.amount}円）。`,

  // ── filter: 診療年月・受診者で絞り込む, and the ranges a URL may ask for ──
  'filter.title': '診療年月・受診者で絞り込む',
  'filter.label': (p: { end: FilterEnd }) => FILTER_LABEL[p.end],
  'filter.everyone': '全員',
  'filter.submit': '表示する',
  'filter.checkInput': '入力内容を確認してください。',
  'filter.noMatch': '条件に一致する医療費情報はありません。',
  'filter.required': (p: { end: FilterEnd }) => `${FILTER_LABEL[p.end]}を選択してください。`,
  'filter.format': (p: { end: FilterEnd }) => `${FILTER_LABEL[p.end]}は「2025-01」のように年と月で指定してください。`,
  'filter.outOfWindow': (p: { end: FilterEnd; from: string; to: string }) => `${FILTER_LABEL[p.end]}は${monthLabel(p.from)}から${monthLabel(p.to)}までの範囲で指定してください。`,
  'filter.order': `${FILTER_LABEL.to}には、${FILTER_LABEL.from}と同じか後の年月を指定してください。`,
  'filter.patient': '受診者は一覧から選択してください。',
  'filter.monthOutOfWindow': (p: { from: string; to: string }) => `診療年月は${monthLabel(p.from)}から${monthLabel(p.to)}までの範囲で指定してください。`,
  'filter.yearOutOfWindow': (p: { from: number; to: number }) => `診療年は${p.from}年から${p.to}年までの範囲で指定してください。`,
  'filter.downloadYear': (p: { from: number; to: number }) => `ダウンロードする年を${p.from}年から${p.to}年までの範囲で選んでください。`,

  // ── admin: the portal admin API's errors (English by default; Accept-Language: ja) ──
  'admin.error.unauthorized': 'Bearer アクセストークンが必要です。',
  'admin.error.invalidToken': 'アクセストークンが無効か、有効期限が切れています。',
  'admin.error.insufficientScope': 'アクセストークンに portal-admin スコープがありません。',
  'admin.error.unavailable': '発行者の署名鍵を取得できません。しばらくしてからもう一度お試しください。',
  'admin.error.internal': '内部エラーが発生しました。',
  'admin.error.validation': '入力に誤りがあります。details を確認してください。',
  'admin.error.tooLarge': 'リクエストの本文が大きすぎます。',
  'admin.error.expectedJson': 'application/json で送信してください。',
  'admin.error.invalidJson': 'リクエストの本文が JSON として正しくありません。',
  'admin.error.notFound': '見つかりません。',
  'admin.field.required': '必須です',
  'admin.field.tooLong': (p: { maximum: number }) => `${p.maximum}文字以内にしてください`,
  'admin.field.tooShort': (p: { minimum: number }) => `${p.minimum}以上にしてください`,
  'admin.field.tooBig': (p: { maximum: number }) => `${p.maximum}以下にしてください`,
  'admin.field.wrongType': (p: { expected: string }) => `${p.expected} 型にしてください`,
  'admin.field.notOneOf': (p: { values: string }) => `次のいずれかにしてください: ${p.values}`,
  'admin.field.unknownKeys': (p: { keys: string }) => `不明な項目です: ${p.keys}`,
  'admin.field.invalid': '正しくありません',

  // ── notices ──

  // ── mymail ──
  'mymail.title': 'MYメール',
  'mymail.intro': '組合からあなた宛に送信された通知や重要なお知らせなどをお届けします。タイトルに「要返信」ラベルが付いている場合は、内容をご確認のうえ必ずご返信ください。',
  'mymail.empty': 'MYメールはまだ届いていません。',
  'mymail.emptyHint': '組合からあなた宛の通知が届くと、ここに新しい順に表示されます。新しいMYメールがあると、画面上部の「✉」に件数が表示されます。',
  'mymail.listLabel': 'MYメールの一覧',
  'mymail.unread': '未読',
  'mymail.replyRequested': '要返信',
  'mymail.replied': '返信済み',
  'mymail.dateTime': (p: { at: number }) => messageTime(p.at, 'ja'),
  'mymail.received': '受信日時',
  'mymail.backToList': 'MYメール一覧に戻る',
  'mymail.threadHeading': 'やりとり',
  'mymail.fromUnion': '健康保険組合',
  'mymail.fromYou': 'あなた',
  'mymail.replyPrompt': 'このメールには返信が必要です。内容をご確認のうえ、下の欄からご返信ください。',
  'mymail.repliedNote': '返信済みです。組合から回答があると、このメールは未読に戻ります。',
  'mymail.replyHeading': '返信する',
  'mymail.replyLabel': '返信内容',
  'mymail.replyHint': '2,000文字まで入力できます。',
  'mymail.counter': (p: { count: string }) => `${p.count} / 2,000文字`,
  'mymail.send': '送信する',
  'mymail.sent': '返信を送信しました。',
  'mymail.replyEmpty': '返信内容を入力してください。',
  'mymail.replyTooLong': '返信は2,000文字以内で入力してください。',
  'mymail.notReplyable': 'このメールには返信できません。',
  'mymail.headerUnread': (p: { count: number }) => `未読${p.count}件`,
  'mymail.field.controlCharacters': '改行とタブ以外の制御文字は使えません',
  'mymail.field.singleLine': '改行を含めないでください',
  'mymail.field.edaban': '2桁の数字にしてください（本人は 00）',

  // ── profile ──
  'profile.avatar.refused.too-large': '画像のサイズは5MBまでです。',
  'profile.avatar.refused.not-an-image': '画像として読み込めませんでした。JPEG、PNG、WebP 形式の画像を選んでください。',
  'profile.avatar.refused.unsupported-type': 'この形式の画像は使えません。JPEG、PNG、WebP 形式の画像を選んでください。',
  'profile.avatar.refused.too-many-pixels': '画像の画素数が多すぎます（4,000万画素まで）。縮小してからもう一度お試しください。',
  'profile.avatar.refused.bad-crop': '切り抜く範囲が画像からはみ出しています。範囲を選び直してください。',

  // ── notifications ──

  // ── help ──

  // ── home ──
} satisfies Record<string, Message>;

export type PortalCatalogue = typeof ja;
