import path from 'node:path';
import ejs from 'ejs';
import { viewsDir } from '../../project/paths.js';
import { markJapaneseTerms } from '../../portal/http/language.js';
import { parsePlainText, type Block, type Inline } from '../../portal/text/plain-text.js';

/** What the union writes — help articles, notices, MY mail — is parsed by one module and shown by one partial. */

const text = (t: string): Inline => ({ kind: 'text', text: t });
const link = (href: string, t = href): Inline => ({ kind: 'link', href, text: t, external: href.startsWith('https:') });
const paragraph = (...lines: Inline[][]): Block => ({ kind: 'paragraph', lines });

/** Every piece of a parse, in order, as the page's words read. */
const pieces = (blocks: Block[]): Inline[] => blocks.flatMap((b) => (b.kind === 'paragraph' ? b.lines : b.items.flat())).flat();
const links = (blocks: Block[]): string[] => pieces(blocks)
  .filter((p): p is Extract<Inline, { kind: 'link' }> => p.kind === 'link')
  .map((p) => p.href);
/** The text as the reader sees it, line by line: what was written, less the control characters. */
const shown = (blocks: Block[]): string => pieces(blocks).map((p) => p.text).join('');

/** The HTML a page shows for a text (views/portal/_plain-text.ejs). */
const renderText = (input: string, locale: 'ja' | 'en' = 'ja') => ejs.renderFile(
  path.join(viewsDir, 'portal', '_plain-text.ejs'),
  { blocks: parsePlainText(input), marked: (m: string) => markJapaneseTerms(m, locale) },
  { async: true },
);

describe('paragraphs, line breaks and lists', () => {
  test('blank lines (even of spaces or a full-width space) part paragraphs; a single line break stays; CRLF and CR are one break', () => {
    expect(parsePlainText('一行目\r\n二行目\r\n\r\n\r\n次の段落\n  \n\u3000\n最後\r終わり')).toEqual([
      paragraph([text('一行目')], [text('二行目')]),
      paragraph([text('次の段落')]),
      paragraph([text('最後')], [text('終わり')]),
    ]);
    expect(parsePlainText('\n\n  \n')).toEqual([]);
    expect(parsePlainText('')).toEqual([]);
  });

  test('"- " lines are list items, and a line without "- " continues the item', () => {
    expect(parsePlainText('一行目\n二行目\n\n- 項目A\n続き\n- 項目B\n\n\n最後')).toEqual([
      paragraph([text('一行目')], [text('二行目')]),
      { kind: 'list', items: [[[text('項目A')], [text('続き')]], [[text('項目B')]]] },
      paragraph([text('最後')]),
    ]);
    // A hyphen without a space is a word, not a list.
    expect(parsePlainText('-5%の割引')).toEqual([paragraph([text('-5%の割引')])]);
  });

  test('spaces around a line go (HTML would drop them), a full-width indent stays as written', () => {
    expect(parsePlainText('  前後に空白  \n\u3000字下げした行')).toEqual([paragraph([text('前後に空白')], [text('\u3000字下げした行')])]);
  });

  test('control characters are dropped; tabs stay', () => {
    expect(parsePlainText('ベル\u0007と\u0000ヌル\u001b[31m\u007f\u0085\tタブ')).toEqual([paragraph([text('ベルとヌル[31m\tタブ')])]);
  });
});

describe('links', () => {
  test('https addresses and site paths become links, without the sentence\'s punctuation', () => {
    expect(parsePlainText('詳しくは https://www.nta.go.jp/taxes/ をご覧ください（/u/alpha/medical/）。See /u/alpha/faq#faq-passkey.')).toEqual([paragraph([
      text('詳しくは '), link('https://www.nta.go.jp/taxes/'), text(' をご覧ください（'), link('/u/alpha/medical/'), text('）。See '),
      link('/u/alpha/faq#faq-passkey'), text('.'),
    ])]);
    expect(parsePlainText('詳しくは https://example.jp/info?id=1。をご覧ください')).toEqual([
      paragraph([text('詳しくは '), link('https://example.jp/info?id=1'), text('。をご覧ください')]),
    ]);
    expect(parsePlainText('See https://example.jp/a. Or (https://example.jp/b_(c)), or /u/alpha/medical/.')).toEqual([paragraph([
      text('See '), link('https://example.jp/a'), text('. Or ('), link('https://example.jp/b_(c)'), text('), or '), link('/u/alpha/medical/'), text('.'),
    ])]);
  });

  test('a link ends where the address does: at Japanese text, a space, a quote, or a bracket it did not open', () => {
    expect(parsePlainText('ご利用案内は/u/alpha/helpへ')).toEqual([paragraph([text('ご利用案内は'), link('/u/alpha/help'), text('へ')])]);
    expect(links(parsePlainText('(see https://example.jp/a_(b)) and (https://example.jp/c) [https://example.jp/d] (/u/alpha/faq)'))).toEqual([
      'https://example.jp/a_(b)', 'https://example.jp/c', 'https://example.jp/d', '/u/alpha/faq',
    ]);
    expect(links(parsePlainText('https://example.jp/a?b=1&c=2。または(https://example.jp/x_(y))、'))).toEqual(['https://example.jp/a?b=1&c=2', 'https://example.jp/x_(y)']);
    expect(links(parsePlainText('「https://example.jp/q」と"https://example.jp/r"'))).toEqual(['https://example.jp/q', 'https://example.jp/r']);
  });

  test('an https link is external (another site); a site path is not', () => {
    const [first] = parsePlainText('https://example.jp/ /u/alpha/');
    expect(first).toEqual(paragraph([
      { kind: 'link', href: 'https://example.jp/', text: 'https://example.jp/', external: true },
      text(' '),
      { kind: 'link', href: '/u/alpha/', text: '/u/alpha/', external: false },
    ]));
  });

  test('the href is the address as a browser reads it; the text is as written', () => {
    expect(parsePlainText('HTTPS://Example.JP')).toEqual([paragraph([link('https://example.jp/', 'HTTPS://Example.JP')])]);
  });

  test.each([
    ['javascript:alert(1)'],
    ['JaVaScRiPt://x/%0aalert(1)'],
    ['data:text/html,<script>alert(1)</script>'],
    ['mailto:info@example.jp'],
    ['ftp://example.jp/file'],
    ['http://example.jp/plain-http'],
    ['http://plain.example と https:// だけ'],
    ['https://user:pw@example.jp/ https://user@example.jp/'],
    ['//evil.example/protocol-relative'],
    ['/\\evil.example/backslash'],
    ['and/or 1/2 24/7 e-Tax/XML 2025/12/18 和/洋 /'],
    ['xhttps://example.jp/ inside a word'],
    ['</b> <i>/u/alpha</i>'],
  ])('%s stays text, as written', (input) => {
    const blocks = parsePlainText(input);
    expect(links(blocks)).toEqual([]);
    expect(shown(blocks)).toBe(input);
  });

  test('markup is text like any other (the page escapes it); an address in it ends at the quote', () => {
    expect(parsePlainText('<b>太字</b> <a href="https://evil.example">x</a>')).toEqual([
      paragraph([text('<b>太字</b> <a href="'), link('https://evil.example/', 'https://evil.example'), text('">x</a>')]),
    ]);
  });
});

describe('the page', () => {
  test('escapes the text: a <script> stays text, quotes cannot leave the href', async () => {
    const html = await renderText('<script>alert("x")</script>\n\n- <b>太字</b>\n\nhttps://example.jp/?a="onmouseover=alert(1)');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<b>');
    expect(html).toContain('<p class="plain-text">&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;</p>');
    expect(html).toContain('<ul class="plain-text">\n  <li>&#60;b&#62;太字&#60;/b&#62;</li>\n</ul>');
    expect(html).toContain('<a href="https://example.jp/?a=" rel="noopener noreferrer">https://example.jp/?a=</a>&#34;onmouseover=alert(1)');
  });

  test('keeps line breaks; other sites open without opener or referrer, the portal\'s own paths as usual', async () => {
    const html = await renderText('詳しくは https://example.jp/a?b=1&c=2\nまたは /u/alpha/faq へ');
    expect(html).toBe('<p class="plain-text">詳しくは <a href="https://example.jp/a?b=1&amp;c=2" rel="noopener noreferrer">https://example.jp/a?b=1&#38;c=2</a>'
      + '<br>または <a href="/u/alpha/faq">/u/alpha/faq</a> へ</p>\n');
  });

  test('an English page marks the Japanese words for screen readers', async () => {
    expect(await renderText('Select "日本語" to switch back.', 'en')).toContain('Select &#34;<span lang="ja">日本語</span>&#34; to switch back.');
    expect(await renderText('- 被扶養者 (dependant)', 'en')).toContain('<li><span lang="ja">被扶養者</span> (dependant)</li>');
  });
});
