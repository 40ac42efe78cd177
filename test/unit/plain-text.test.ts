import { plainTextParagraphs } from '../../portal/text/plain-text-mymail.js';
import { characterCount, checkMemberReply } from '../../portal/messages/message-text.js';

describe('plain text from the union, laid out for a page', () => {
  test('blank lines make paragraphs, single line breaks stay, CRLF is one break', () => {
    expect(plainTextParagraphs('一行目\r\n二行目\r\n\r\n\r\n次の段落\n \n最後')).toEqual([
      [[{ text: '一行目' }], [{ text: '二行目' }]],
      [[{ text: '次の段落' }]],
      [[{ text: '最後' }]],
    ]);
  });

  test('bare https links become links, ending where the URL does; nothing else does', () => {
    const [[line]] = plainTextParagraphs('詳しくは https://example.jp/a?b=1&c=2。または(https://example.jp/x_(y))、http://plain.example と javascript:alert(1) は文字です。');
    expect(line.filter((s) => s.href).map((s) => s.href)).toEqual(['https://example.jp/a?b=1&c=2', 'https://example.jp/x_(y)']);
    expect(line.map((s) => s.text).join('')).toBe('詳しくは https://example.jp/a?b=1&c=2。または(https://example.jp/x_(y))、http://plain.example と javascript:alert(1) は文字です。');
    expect(plainTextParagraphs('https://user:pw@example.jp/ https://')[0][0].some((s) => s.href)).toBe(false);
  });
});

describe('a member\'s reply', () => {
  test('is trimmed, counted in characters as a person counts them, and refused empty or over 2,000', () => {
    expect(checkMemberReply('  \r\n ')).toEqual({ ok: false, said: 'mymail.replyEmpty' });
    expect(checkMemberReply(`${'あ'.repeat(1999)}😀`)).toEqual({ ok: true, text: `${'あ'.repeat(1999)}😀` });
    expect(checkMemberReply(`${'あ'.repeat(2000)}😀`)).toEqual({ ok: false, said: 'mymail.replyTooLong' });
    expect(checkMemberReply(' はい\r\nお願いします\u0000 ')).toEqual({ ok: true, text: 'はい\nお願いします' });
    expect(characterCount('a\n😀')).toBe(3);
  });
});
