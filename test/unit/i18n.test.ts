import { translatorFor } from '../../i18n/catalogue.js';
import { chooseLocale, fromAcceptLanguage, languageLinks } from '../../i18n/locale.js';
import { en } from '../../idp/i18n/en.js';
import { ja } from '../../idp/i18n/ja.js';

describe('which language a request gets', () => {
  test('the switch, then ui_locales, then the member\'s setting, then Accept-Language, then Japanese', () => {
    const all = { switched: 'ja', uiLocales: 'en', member: 'ja', acceptLanguage: 'en' };
    expect(chooseLocale(all)).toBe('ja');
    expect(chooseLocale({ ...all, switched: undefined })).toBe('en');
    expect(chooseLocale({ ...all, switched: undefined, uiLocales: undefined })).toBe('ja');
    expect(chooseLocale({ acceptLanguage: 'en-GB,en;q=0.8' })).toBe('en');
    expect(chooseLocale({})).toBe('ja');
  });

  test('what we do not have is passed over, never guessed', () => {
    expect(chooseLocale({ switched: 'fr', uiLocales: 'de fr-CA en-US', acceptLanguage: 'ja' })).toBe('en');
    expect(chooseLocale({ uiLocales: 'zh', member: 'xx', acceptLanguage: 'ko' })).toBe('ja');
  });

  test('Accept-Language by q-value, then order; q=0 means not wanted', () => {
    expect(fromAcceptLanguage('fr;q=0.9, en;q=0.5, ja;q=0.7')).toBe('ja');
    expect(fromAcceptLanguage('en-US, ja')).toBe('en');
    expect(fromAcceptLanguage('en;q=0, ja;q=0.1')).toBe('ja');
    expect(fromAcceptLanguage('*')).toBeUndefined();
    expect(fromAcceptLanguage('')).toBeUndefined();
  });

  test('the switch links keep the page and its query, mark the current language', () => {
    expect(languageLinks('/u/alpha/interaction/abc?x=1&lang=ja', 'ja')).toEqual([
      { locale: 'ja', name: '日本語', href: '/u/alpha/interaction/abc?x=1&lang=ja', current: true },
      { locale: 'en', name: 'English', href: '/u/alpha/interaction/abc?x=1&lang=en', current: false },
    ]);
  });
});

describe('the IdP catalogue', () => {
  test('English defines exactly the keys Japanese does, each a sentence of the same kind', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(ja).sort());
    for (const key of Object.keys(ja) as Array<keyof typeof ja>) expect(typeof en[key]).toBe(typeof ja[key]);
  });

  test('no English sentence is left in Japanese', () => {
    const japanese = /[\u3040-\u30ff\u4e00-\u9fff]/;
    // A parameter the samples do not name gets 'X'; lists and numbers need a sample of their kind.
    const samples: Record<string, unknown> = { at: new Date(0), minutes: 3, count: 2, days: 7, remaining: 1, seconds: 30, min: 8, max: 64, kinds: ['letter', 'digit'], start: 0, end: 3_600_000 };
    const sample = new Proxy({}, { get: (_, name) => samples[String(name)] ?? 'X' }) as never;
    for (const [key, message] of Object.entries(en)) {
      const text = typeof message === 'function' ? (message as (p: never) => string)(sample) : message;
      // Japanese terms the member meets on their card or in the union's letters are quoted in brackets.
      expect([key, text.replace(/\([^()]*\)|（[^（）]*）|「[^「」]*」/g, '')]).not.toEqual([key, expect.stringMatching(japanese)]);
    }
  });

  test('the spec\'s exact messages stay exact in Japanese', () => {
    const t = translatorFor({ ja, en }, 'ja').t;
    expect(t('login.error.invalid')).toBe('無効なユーザIDまたはパスワードです。');
    expect(translatorFor({ ja, en }, 'en').t('login.error.throttled', { minutes: 3 })).toContain('about 3 min');
  });
});
