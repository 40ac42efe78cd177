import type { Message } from '../../i18n/catalogue.js';
import { ETAX_UNSIGNED_NOTE } from '../exports/etax-xml.js';
import { careLabel, yen } from '../medical/format.js';
import type { CareCategory } from '../medical/model.js';
import { monthLabel } from '../medical/period.js';

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

  // ── profile ──
  'profile.title': 'プロフィール設定',
  'profile.rightsNote': '※ プロフィール画像、ニックネーム、自己紹介に第三者の著作権や肖像権、その他知的財産権、財産、プライバシーを侵害するもの、また、第三者を誹謗中傷する内容や法律・法令・規則などに違反するもの、公序良俗に反するものは設定しないでください。',
  'profile.limit': (p: { max: number }) => `${p.max}文字以内`,
  'profile.text.heading': 'ニックネーム・自己紹介',
  'profile.nickname': 'ニックネーム',
  'profile.introduction': '自己紹介',
  'profile.submit': '保存する',
  'profile.saved': 'ニックネーム・自己紹介を保存しました。',
  'profile.checkInput': '入力内容を確認してください。',
  'profile.nickname.tooLong': (p: { max: number; length: number }) => `ニックネームは${p.max}文字以内で入力してください（現在${p.length}文字）。`,
  'profile.nickname.control': 'ニックネームに使えない文字（改行や制御文字）が含まれています。',
  'profile.introduction.tooLong': (p: { max: number; length: number }) => `自己紹介は${p.max}文字以内で入力してください（現在${p.length}文字）。`,
  'profile.introduction.control': '自己紹介に使えない文字（制御文字）が含まれています。',
  'profile.avatar.heading': 'プロフィール画像',
  'profile.avatar.current': '現在のプロフィール画像',
  'profile.avatar.none': 'プロフィール画像は設定されていません。',
  'profile.avatar.choose': '画像を選ぶ',
  'profile.avatar.hint': 'JPEG、PNG、WebP 形式の5MBまでの画像を選んでください。選んだ位置で正方形に切り抜き、256×256ピクセルに縮小して保存します（元の画像は保存しません）。',
  'profile.avatar.position': '切り抜く位置',
  'profile.avatar.position.center': '中央',
  'profile.avatar.position.top': '上',
  'profile.avatar.position.bottom': '下',
  'profile.avatar.position.left': '左',
  'profile.avatar.position.right': '右',
  'profile.avatar.size': '切り抜く大きさ',
  'profile.avatar.size.100': '画像の短い辺いっぱい',
  'profile.avatar.size.75': '短い辺の75%',
  'profile.avatar.size.50': '短い辺の50%',
  'profile.avatar.preview': '切り抜く範囲のプレビュー',
  'profile.avatar.submit': '画像を保存する',
  'profile.avatar.delete': '画像を削除する',
  'profile.avatar.saved': 'プロフィール画像を保存しました。',
  'profile.avatar.deleted': 'プロフィール画像を削除しました。',
  'profile.avatar.refused.missing': '画像ファイルを選んでください。',
  'profile.avatar.refused.several': '画像は1つだけ選んでください。',
  'profile.avatar.refused.choice': '切り抜く位置と大きさは一覧から選んでください。',
  'profile.avatar.refused.malformed': '送信された内容を読み取れませんでした。もう一度画像を選んでください。',
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
