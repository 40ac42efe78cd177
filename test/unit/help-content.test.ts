import path from 'node:path';
import ejs from 'ejs';
import { viewsDir } from '../../project/paths.js';
import { LOCALES } from '../../i18n/locale.js';
import { markJapaneseTerms } from '../../portal/http/language.js';
import { defaultHelp, defaultHelpSource } from '../../portal/help/default-help.js';
import { HELP_ARTICLE_ID, type HelpArticle } from '../../portal/help/help-content.js';
import { parsePlainText, type Block, type Inline } from '../../portal/help/plain-text.js';
import { MAX_QUERY_LENGTH, parseHelpQuery, searchHelp } from '../../portal/help/search.js';

const links = (blocks: Block[]): string[] => blocks
  .flatMap((b) => (b.kind === 'paragraph' ? b.lines : b.items.flat()))
  .flat()
  .filter((p): p is Extract<Inline, { kind: 'link' }> => p.kind === 'link')
  .map((p) => p.href);

/** The HTML the pages show for a help text (views/portal/help/_plain-text.ejs). */
const renderText = (text: string, locale: 'ja' | 'en' = 'ja') => ejs.renderFile(
  path.join(viewsDir, 'portal', 'help', '_plain-text.ejs'),
  { blocks: parsePlainText(text), marked: (m: string) => markJapaneseTerms(m, locale) },
  { async: true },
);

describe('a help text written as plain text', () => {
  test('blank lines part paragraphs; "- " lines are list items, and a line without "- " continues the item', () => {
    expect(parsePlainText('一行目\n二行目\n\n- 項目A\n続き\n- 項目B\n\n\n最後')).toEqual([
      { kind: 'paragraph', lines: [[{ kind: 'text', text: '一行目' }], [{ kind: 'text', text: '二行目' }]] },
      { kind: 'list', items: [[[{ kind: 'text', text: '項目A' }], [{ kind: 'text', text: '続き' }]], [[{ kind: 'text', text: '項目B' }]]] },
      { kind: 'paragraph', lines: [[{ kind: 'text', text: '最後' }]] },
    ]);
  });

  test('bare https URLs and paths of this site become links, without the sentence\'s punctuation', () => {
    const [paragraph] = parsePlainText('詳しくは https://www.nta.go.jp/taxes/ をご覧ください（/u/alpha/medical/）。See /u/alpha/faq#faq-passkey.');
    expect(paragraph).toEqual({
      kind: 'paragraph',
      lines: [[
        { kind: 'text', text: '詳しくは ' },
        { kind: 'link', href: 'https://www.nta.go.jp/taxes/', text: 'https://www.nta.go.jp/taxes/' },
        { kind: 'text', text: ' をご覧ください（' },
        { kind: 'link', href: '/u/alpha/medical/', text: '/u/alpha/medical/' },
        { kind: 'text', text: '）。See ' },
        { kind: 'link', href: '/u/alpha/faq#faq-passkey', text: '/u/alpha/faq#faq-passkey' },
        { kind: 'text', text: '.' },
      ]],
    });
    expect(links(parsePlainText('(see https://example.jp/a_(b)) and (https://example.jp/c)'))).toEqual(['https://example.jp/a_(b)', 'https://example.jp/c']);
  });

  test('nothing else becomes a link: no javascript:, data:, another host by // or \\, nor slashes inside words', () => {
    const text = [
      'javascript:alert(1)', 'JaVaScRiPt://x/%0aalert(1)', 'data:text/html,<script>alert(1)</script>',
      '//evil.example/login', '/\\evil.example', 'ftp://example.jp/file', 'and/or 1/2 24/7 e-Tax/XML',
      'https://', 'mailto:info@example.jp', '</b> <i>/u/alpha</i>',
    ].join('\n\n');
    expect(links(parsePlainText(text))).toEqual([]);
  });

  test('the page escapes the text: a <script> stays text, quotes cannot leave the href', async () => {
    const html = await renderText('<script>alert("x")</script>\n\n- <b>太字</b>\n\nhttps://example.jp/?a="onmouseover=alert(1)');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<b>');
    expect(html).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;');
    expect(html).toContain('<li>&#60;b&#62;太字&#60;/b&#62;</li>');
    expect(html).toContain('<a href="https://example.jp/?a=">https://example.jp/?a=</a>&#34;onmouseover=alert(1)');
  });

  test('an English page marks the Japanese words of a help text for screen readers', async () => {
    expect(await renderText('Select "日本語" to switch back.', 'en')).toContain('Select &#34;<span lang="ja">日本語</span>&#34; to switch back.');
  });
});

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
