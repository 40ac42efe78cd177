import { en } from '../../portal/i18n/en.js';
import { ja } from '../../portal/i18n/ja.js';
import { chosenLocale, localeOf, portalText } from '../../portal/i18n/text.js';
import { markJapaneseTerms } from '../../portal/http/language.js';

const japanese = /[\u3040-\u30ff\u4e00-\u9fff]/;
const sample = {
  name: 'N', amount: 12960, month: '2025-03', year: 2025, category: '通院', days: 2, from: '2024-11', to: '2025-02',
  period: 'P', number: '06130001', max: 995, count: 996, end: 'from',
  // notices
  kind: 'maintenance', at: 0, start: 0, union: 'U',
} as never;
/** Parameters for a key: notification messages name a kind of mail, not of notice. */
const sampleFor = (key: string) => (key.startsWith('notifications.') ? { ...(sample as object), kind: 'medical' } : sample) as never;
const render = (message: unknown, key = '') => (typeof message === 'function' ? (message as (p: never) => string)(sampleFor(key)) : message as string);

describe('the portal catalogue', () => {
  test('English defines exactly the keys Japanese does, each a sentence of the same kind', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(ja).sort());
    for (const key of Object.keys(ja) as Array<keyof typeof ja>) expect(typeof en[key]).toBe(typeof ja[key]);
  });

  test('no English sentence is left in Japanese, except terms the member meets on their card, in brackets', () => {
    for (const [key, message] of Object.entries(en)) {
      expect([key, render(message, key).replace(/\([^()]*\)/g, '')]).not.toEqual([key, expect.stringMatching(japanese)]);
    }
  });

  test('every Japanese sentence is Japanese', () => {
    const dataOnly = ['medical.year', 'medical.yen', 'medical.month', 'medical.care', 'member.name'];
    for (const [key, message] of Object.entries(ja)) if (!dataOnly.includes(key)) expect([key, render(message, key)]).toEqual([key, expect.stringMatching(japanese)]);
  });

  test('amounts, months and care read naturally in each language; the spec\'s wording stays in Japanese', () => {
    const [jaText, enText] = [portalText('ja'), portalText('en')];
    expect(jaText.t('medical.yen', { amount: 12960 })).toBe('12,960円');
    expect(enText.t('medical.yen', { amount: 12960 })).toBe('¥12,960');
    expect(jaText.t('medical.statementTitle', { period: jaText.t('medical.month', { month: '2025-03' }) })).toBe('2025年3月の医療費明細');
    expect(enText.t('medical.statementTitle', { period: enText.t('medical.month', { month: '2025-03' }) })).toBe('Medical expenses for March 2025');
    expect(enText.t('medical.care', { category: '調剤', days: 1 })).toBe('Pharmacy / 1 time');
    expect(enText.t('medical.care', { category: '通院', days: 2 })).toBe('Outpatient / 2 days');
    expect(jaText.t('filter.order')).toBe('診療年月（終了）には、診療年月（開始）と同じか後の年月を指定してください。');
  });

  test('Japanese terms in an English sentence are marked for screen readers; HTML is escaped', () => {
    expect(markJapaneseTerms(en['statement.insurerNumber']({ number: '06130001' }), 'en')).toBe(', insurer number (<span lang="ja">保険者番号</span>) 06130001');
    expect(markJapaneseTerms('<b>保険者番号</b>', 'ja')).toBe('&#60;b&#62;保険者番号&#60;/b&#62;');
  });
});

describe('which language a portal request gets', () => {
  const request = (query: Record<string, string>, headers: Record<string, string>) => ({ query, headers }) as never;

  test('the switch (?lang= or its cookie), then the member\'s locale claim, then Accept-Language, then Japanese', () => {
    const english = { 'accept-language': 'en-US,en;q=0.9' };
    expect(localeOf(request({ lang: 'ja' }, { ...english, cookie: 'kenpo_lang=en' }), { member: 'en' })).toBe('ja');
    expect(localeOf(request({}, { ...english, cookie: 'kenpo_portal=s%3Ax; kenpo_lang=ja' }), { member: 'en' })).toBe('ja');
    expect(localeOf(request({}, { 'accept-language': 'ja' }), { member: 'en' })).toBe('en');
    expect(localeOf(request({}, english), {})).toBe('en');
    expect(localeOf(request({ lang: 'fr' }, { cookie: 'kenpo_lang=<script>' }), { member: 'xx' })).toBe('ja');
  });

  test('only a language chosen on purpose goes to the IdP as ui_locales; the browser\'s the IdP reads itself', () => {
    expect(chosenLocale(request({}, { 'accept-language': 'en' }), {})).toBeUndefined();
    expect(chosenLocale(request({}, { cookie: 'kenpo_lang=en' }), { member: 'ja' })).toBe('en');
    expect(chosenLocale(request({}, {}), { member: 'en' })).toBe('en');
  });
});
