import { LOCALES } from '../../i18n/locale.js';
import { defaultHelp, defaultHelpSource } from '../../portal/help/default-help.js';
import { HELP_ARTICLE_ID, type HelpArticle } from '../../portal/help/help-content.js';
import { MAX_QUERY_LENGTH, parseHelpQuery, searchHelp } from '../../portal/help/search.js';
import { parsePlainText, type Block, type Inline } from '../../portal/text/plain-text.js';

const links = (blocks: Block[]): string[] => blocks
  .flatMap((b) => (b.kind === 'paragraph' ? b.lines : b.items.flat()))
  .flat()
  .filter((p): p is Extract<Inline, { kind: 'link' }> => p.kind === 'link')
  .map((p) => p.href);

describe('searching the help', () => {
  const article = (id: string, title: string, body: string): HelpArticle => ({ id, kind: 'faq', title, body });
  const articles = [
    article('forgot-password', 'パスワードを忘れました', 'ログイン画面の「パスワードを忘れた方はこちら」から再設定してください。'),
    article('totp', 'ワンタイムパスワードが使えません', '認証アプリ（Google Authenticator など）の時刻を確認してください。'),
    article('half-width', '半角カナの記事', 'ﾊﾟｽﾜｰﾄﾞの再設定は、ﾛｸﾞｲﾝ画面から行います。'),
    article('mail', 'メールが届きません', '迷惑メールフォルダを確認してください。\n\n- 送信元：no-reply@'),
  ];
  const ids = (query: string) => searchHelp(articles, query).map((m) => m.article.id);

  test('an empty query finds every article, in order, without excerpts', () => {
    expect(searchHelp(articles, '')).toEqual(articles.map((a) => ({ article: a })));
    expect(ids('  　 ')).toEqual(articles.map((a) => a.id));
  });

  test('full-width and half-width forms and upper and lower case are alike', () => {
    expect(ids('ＡＵＴＨＥＮＴＩＣＡＴＯＲ')).toEqual(['totp']);
    expect(ids('google')).toEqual(['totp']);
    expect(ids('ﾊﾟｽﾜｰﾄﾞ')).toEqual(['forgot-password', 'totp', 'half-width']);
    expect(ids('ＮＯ－ＲＥＰＬＹ＠')).toEqual(['mail']);
  });

  test('every word must match, in the title or the body; a full-width space separates words too', () => {
    expect(ids('パスワード　再設定')).toEqual(['forgot-password', 'half-width']);
    expect(ids('パスワード 時刻')).toEqual(['totp']);
    expect(ids('パスワード 迷惑メール')).toEqual([]);
  });

  test('the excerpt is the body as written around the first match, on one line', () => {
    const [half] = searchHelp(articles, 'パスワード');
    expect(half.excerpt).toEqual({ before: 'ログイン画面の「', match: 'パスワード', after: 'を忘れた方はこちら」から再設定してください。' });
    const kana = searchHelp(articles, 'ログイン　パスワード').find((m) => m.article.id === 'half-width')!;
    expect(kana.excerpt).toEqual({ before: '', match: 'ﾊﾟｽﾜｰﾄﾞ', after: 'の再設定は、ﾛｸﾞｲﾝ画面から行います。' });
    expect(searchHelp(articles, 'no-reply')[0].excerpt).toEqual({ before: '迷惑メールフォルダを確認してください。 送信元：', match: 'no-reply', after: '@' });
    expect(searchHelp(articles, 'メールが届きません')[0].excerpt).toBeUndefined();
  });

  test('a long body is cut around the match, and says so', () => {
    const long = article('long', 'T', `${'あ'.repeat(100)}目印${'い'.repeat(100)}`);
    const { excerpt } = searchHelp([long], '目印')[0];
    expect(excerpt).toEqual({ before: `…${'あ'.repeat(30)}`, match: '目印', after: `${'い'.repeat(60)}…` });
  });

  test('the query is one value of at most MAX_QUERY_LENGTH characters', () => {
    expect(parseHelpQuery(undefined)).toEqual({ state: 'valid', query: '' });
    expect(parseHelpQuery('  パスワード ')).toEqual({ state: 'valid', query: 'パスワード' });
    expect(parseHelpQuery('あ'.repeat(MAX_QUERY_LENGTH))).toEqual({ state: 'valid', query: 'あ'.repeat(MAX_QUERY_LENGTH) });
    expect(parseHelpQuery('あ'.repeat(MAX_QUERY_LENGTH + 1))).toEqual({ state: 'invalid', said: { key: 'help.queryTooLong', params: { max: MAX_QUERY_LENGTH } } });
    expect(parseHelpQuery(['a', 'b'])).toEqual({ state: 'invalid', said: 'help.queryOnce' });
  });
});

describe('the default help content', () => {
  const contents = Object.fromEntries(LOCALES.map((l) => [l, defaultHelp('alpha', l)]));
  const all = (locale: string) => [...contents[locale].guide, ...contents[locale].faq];

  test('Japanese and English have the same articles, in the same order', () => {
    const outline = (locale: string) => all(locale).map((a) => `${a.kind}:${a.id}`);
    expect(outline('en')).toEqual(outline('ja'));
    expect(contents.ja.guide.length).toBeGreaterThanOrEqual(8);
    expect(contents.ja.faq.length).toBeGreaterThanOrEqual(20);
  });

  test('every article has a slug for its anchor, a title and a body, and no two share an id or a title', () => {
    for (const locale of LOCALES) {
      for (const a of all(locale)) {
        expect([a.id, HELP_ARTICLE_ID.test(a.id), a.title.length > 0, a.body.length > 0]).toEqual([a.id, true, true, true]);
        expect(a.body).not.toMatch(/<[a-z/]/i);
      }
      for (const list of [contents[locale].guide, contents[locale].faq]) {
        expect(new Set(list.map((a) => a.id)).size).toBe(list.length);
        expect(new Set(list.map((a) => a.title)).size).toBe(list.length);
      }
    }
  });

  test('it links only to the union\'s own pages, never by accident (the password symbols stay text)', () => {
    for (const locale of LOCALES) {
      const hrefs = all(locale).flatMap((a) => links(parsePlainText(a.body)));
      expect(hrefs.length).toBeGreaterThan(0);
      for (const href of hrefs) expect(href).toMatch(/^\/u\/alpha\/(medical\/|faq)$/);
      const rules = all(locale).find((a) => a.id === 'password-rules')!;
      expect(rules.body).toContain('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');
    }
  });

  test('the English articles are English; only 日本語 (the switch\'s own label) is Japanese', () => {
    for (const a of all('en')) expect([a.id, `${a.title}\n${a.body}`.replace('日本語', '')]).not.toEqual([a.id, expect.stringMatching(/[\u3040-\u30ff\u4e00-\u9fff]/)]);
  });

  test('the default source serves it for every union and language', async () => {
    expect(await defaultHelpSource.contentFor('beta', 'en')).toEqual(defaultHelp('beta', 'en'));
    expect((await defaultHelpSource.contentFor('beta', 'ja')).guide.find((a) => a.id === 'medical')!.body).toContain('/u/beta/medical/');
  });

  test('the FAQ answers what members ask: a search finds it in both languages', () => {
    const find = (locale: string, query: string) => searchHelp(contents[locale].faq, query).map((m) => m.article.id);
    expect(find('ja', 'ロック')).toContain('account-locked');
    expect(find('ja', 'ﾊﾟｽｷｰ')).toContain('passkey');
    expect(find('ja', '3か月')).toContain('medical-delay');
    expect(find('ja', 'webmaster')).toEqual(['mail-senders']);
    expect(find('en', 'LOCKED')).toContain('account-locked');
    expect(find('en', 'e-Tax family')).toContain('etax-family-consent');
  });
});
