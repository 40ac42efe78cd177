import { en } from '../../portal/i18n/en.js';
import { ja } from '../../portal/i18n/ja.js';
import { CROP_POSITIONS, CROP_SIZES, cropSquare, parseCropChoice } from '../../portal/profile/avatar-crop.js';
import { parseProfileText, type ProfileTextResult } from '../../portal/profile/profile-text.js';

const errorsOf = (result: ProfileTextResult) => (result.ok ? [] : result.errors.map((e) => [e.field, typeof e.said === 'string' ? e.said : e.said.key]));

describe('what a member may write as nickname and self-introduction', () => {
  test('a nickname of 20 characters (emoji count as one) and an introduction of 400 are kept, trimmed', () => {
    const twenty = 'けんぽ🐱'.repeat(5); // 20 characters, 25 UTF-16 units
    const result = parseProfileText({ nickname: `\u3000 ${twenty} `, introduction: ` ${'あ'.repeat(399)}😀\r\n` });
    expect(result).toEqual({ ok: true, value: { nickname: twenty, introduction: `${'あ'.repeat(399)}😀` } });
  });

  test('one character more is refused with the count the member can check', () => {
    const result = parseProfileText({ nickname: 'あ'.repeat(21), introduction: 'い'.repeat(401) });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.said)).toEqual([
      { key: 'profile.nickname.tooLong', params: { max: 20, length: 21 } },
      { key: 'profile.introduction.tooLong', params: { max: 400, length: 401 } },
    ]);
    expect(result.typed).toEqual({ nickname: 'あ'.repeat(21), introduction: 'い'.repeat(401) }); // shown again as typed
  });

  test('line breaks are one character each, whatever the browser sends (CRLF), and stay in the introduction', () => {
    const result = parseProfileText({ nickname: '', introduction: `${'あ'.repeat(199)}\r\n${'い'.repeat(200)}` });
    expect(result).toEqual({ ok: true, value: { nickname: null, introduction: `${'あ'.repeat(199)}\n${'い'.repeat(200)}` } });
  });

  test('control characters, a line break in the nickname and bidirectional overrides are refused', () => {
    expect(errorsOf(parseProfileText({ nickname: 'ab\ncd', introduction: '' }))).toEqual([['nickname', 'profile.nickname.control']]);
    expect(errorsOf(parseProfileText({ nickname: 'evil\u202Etxt.exe', introduction: '' }))).toEqual([['nickname', 'profile.nickname.control']]);
    expect(errorsOf(parseProfileText({ nickname: 'a\u0000', introduction: 'b\u0007' }))).toEqual([
      ['nickname', 'profile.nickname.control'], ['introduction', 'profile.introduction.control']]);
    expect(errorsOf(parseProfileText({ nickname: 'x', introduction: 'tab\tand\nline' }))).toEqual([]);
    expect(errorsOf(parseProfileText({ nickname: 'half \ud800 pair', introduction: '' }))).toEqual([['nickname', 'profile.nickname.control']]);
  });

  test('empty fields mean "not set"; fields that are not text are treated as empty', () => {
    expect(parseProfileText({ nickname: '   ', introduction: '\n' })).toEqual({ ok: true, value: { nickname: null, introduction: null } });
    expect(parseProfileText({ nickname: ['a', 'b'], introduction: { x: 1 } })).toEqual({ ok: true, value: { nickname: null, introduction: null } });
  });

  test('text is stored in its composed form (NFC), so a name counts and compares the same however it was typed', () => {
    const result = parseProfileText({ nickname: 'か\u3099', introduction: '' }); // か + combining voiced mark
    expect(result).toEqual({ ok: true, value: { nickname: 'が', introduction: null } });
  });
});

describe('the crop position chosen on the page', () => {
  test('each position names a square in the picture: the shorter side, or a share of it', () => {
    const landscape = (position: string, size = '100') => cropSquare(parseCropChoice({ position, size })!, 300, 200);
    expect(landscape('center')).toEqual({ x: 50, y: 0, size: 200 });
    expect(landscape('left')).toEqual({ x: 0, y: 0, size: 200 });
    expect(landscape('right')).toEqual({ x: 100, y: 0, size: 200 });
    expect(landscape('top', '50')).toEqual({ x: 100, y: 0, size: 100 });
    expect(landscape('bottom', '50')).toEqual({ x: 100, y: 100, size: 100 });
    expect(cropSquare(parseCropChoice({ position: 'bottom', size: '75' })!, 101, 333)).toEqual({ x: 13, y: 258, size: 75 });
    expect(cropSquare(parseCropChoice({})!, 1, 1)).toEqual({ x: 0, y: 0, size: 1 });
  });

  test('without a choice the centre and the whole shorter side; a value not offered is refused', () => {
    expect(parseCropChoice({})).toEqual({ position: 'center', size: 100 });
    for (const fields of [{ position: 'middle' }, { size: '60' }, { size: '100.0' }, { size: ' 50' }, { position: ['top'] }, { size: 50 }]) {
      expect([fields, parseCropChoice(fields)]).toEqual([fields, undefined]);
    }
  });

  test('every position and size the page offers has its words in both languages', () => {
    // Typed keys: a choice added without its words does not compile.
    for (const position of CROP_POSITIONS) expect([ja[`profile.avatar.position.${position}`], en[`profile.avatar.position.${position}`]]).toEqual([expect.any(String), expect.any(String)]);
    for (const size of CROP_SIZES) expect([ja[`profile.avatar.size.${size}`], en[`profile.avatar.size.${size}`]]).toEqual([expect.any(String), expect.any(String)]);
  });
});
