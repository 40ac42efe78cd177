import { portalText } from '../../portal/i18n/text.js';
import { thirdThursdayWindow } from '../../portal/notices/maintenance-window.js';
import { audiencesOf, noticeState } from '../../portal/notices/notice-repository.js';

const iso = (w: { start: number; end: number }) => [new Date(w.start).toISOString(), new Date(w.end).toISOString()];

describe('the seed\'s regular maintenance window: the third Thursday, 19:00–22:00 Japan time', () => {
  test.each([
    // The 1st is a Thursday: the third Thursday is the 15th.
    [2026, 1, '2026-01-15'],
    // The 1st is a Friday: the first Thursday is the 7th, the third the 21st (the latest it can be).
    [2027, 1, '2027-01-21'],
    // The 1st is a Wednesday: the 16th.
    [2025, 1, '2025-01-16'],
    [2025, 12, '2025-12-18'],
    // February of a leap year, the 1st a Thursday.
    [2024, 2, '2024-02-15'],
  ])('%i-%i → %s', (year, month, day) => {
    expect(iso(thirdThursdayWindow(year, month))).toEqual([`${day}T10:00:00.000Z`, `${day}T13:00:00.000Z`]);
    expect(new Date(`${day}T00:00:00Z`).getUTCDay()).toBe(4);
  });

  test('no such month is an error, not a guess', () => {
    expect(() => thirdThursdayWindow(2025, 13)).toThrow(RangeError);
    expect(() => thirdThursdayWindow(2025, 0)).toThrow(RangeError);
  });

  test('members read the window in Japan time, in their language', () => {
    const window = thirdThursdayWindow(2025, 12);
    expect(portalText('ja').t('notices.window', window)).toBe('2025年12月18日(木) 19:00〜22:00');
    expect(portalText('en').t('notices.window', window)).toBe('Thu 18 December 2025, 19:00–22:00 (Japan time)');
    // Across midnight, the end has its own date.
    const late = { start: Date.parse('2025-12-18T14:00:00Z'), end: Date.parse('2025-12-18T17:30:00Z') };
    expect(portalText('ja').t('notices.window', late)).toBe('2025年12月18日(木) 23:00〜2025年12月19日(金) 02:30');
  });
});

describe('who sees a notice, and when', () => {
  test('本人 sees notices for everyone and for 被保険者; 家族 for everyone and for 被扶養者; no card: everyone\'s only', () => {
    expect(audiencesOf('本人')).toEqual(['all', 'insured']);
    expect(audiencesOf('家族')).toEqual(['all', 'dependants']);
    expect(audiencesOf(null)).toEqual(['all']);
  });

  test('a notice is scheduled, then published until its end (exclusive), and withdrawn whatever its dates', () => {
    const notice = { publishFrom: 1000, publishTo: 2000, withdrawnAt: null };
    expect(noticeState(notice, 999)).toBe('scheduled');
    expect(noticeState(notice, 1000)).toBe('published');
    expect(noticeState(notice, 1999)).toBe('published');
    expect(noticeState(notice, 2000)).toBe('expired');
    expect(noticeState({ ...notice, publishTo: null }, 10 ** 12)).toBe('published');
    expect(noticeState({ ...notice, withdrawnAt: 1500 }, 1500)).toBe('withdrawn');
  });
});
