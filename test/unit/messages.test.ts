import { characterCount, checkMemberReply } from '../../portal/messages/message-text.js';

describe('a member\'s reply', () => {
  test('is trimmed, counted in characters as a person counts them, and refused empty or over 2,000', () => {
    expect(checkMemberReply('  \r\n ')).toEqual({ ok: false, said: 'mymail.replyEmpty' });
    expect(checkMemberReply(`${'あ'.repeat(1999)}😀`)).toEqual({ ok: true, text: `${'あ'.repeat(1999)}😀` });
    expect(checkMemberReply(`${'あ'.repeat(2000)}😀`)).toEqual({ ok: false, said: 'mymail.replyTooLong' });
    expect(checkMemberReply(' はい\r\nお願いします\u0000 ')).toEqual({ ok: true, text: 'はい\nお願いします' });
    expect(characterCount('a\n😀')).toBe(3);
  });
});
