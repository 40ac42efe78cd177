import { describeDevice } from '../../idp/accounts/device-name.js';
import { idpText } from '../../idp/i18n/text.js';

const say = (locale: 'ja' | 'en', userAgent: string) => idpText(locale).say(describeDevice(userAgent));

test.each([
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0', 'Edge（Windows）', 'Edge (Windows)'],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', 'Chrome（Windows）', 'Chrome (Windows)'],
  ['Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15', 'Safari（Mac）', 'Safari (Mac)'],
  ['Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0 Mobile/15E148 Safari/604.1', 'Chrome（iPhone）', 'Chrome (iPhone)'],
  ['Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0 Mobile Safari/537.36', 'Samsung Internet（Android）', 'Samsung Internet (Android)'],
  ['Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0', 'Firefox（Linux）', 'Firefox (Linux)'],
  ['Mozilla/5.0 (compatible) Firefox/133.0', 'Firefox', 'Firefox'],
  ['Mozilla/5.0 (Linux x86_64) Foo/1.0', '不明なブラウザ（Linux）', 'Unknown browser (Linux)'],
  ['curl/8.5.0', '不明なブラウザ', 'Unknown browser'],
  ['', '不明なブラウザ', 'Unknown browser'],
])('%s → %s / %s', (userAgent, japanese, english) => {
  expect(say('ja', userAgent)).toBe(japanese);
  expect(say('en', userAgent)).toBe(english);
});
