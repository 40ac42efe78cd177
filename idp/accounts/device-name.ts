import type { IdpSaid } from '../i18n/text.js';

/**
 * A short, readable name for the browser behind a session (「Chrome（Windows）」), from its
 * User-Agent, put into words by the page or mail. Only the common families: anything else is
 * 「不明なブラウザ」 rather than a guess.
 */
const BROWSERS: Array<[RegExp, string]> = [
  [/Edg(?:e|A|iOS)?\//, 'Edge'],
  [/OPR\/|Opera/, 'Opera'],
  [/SamsungBrowser\//, 'Samsung Internet'],
  [/Firefox\/|FxiOS\//, 'Firefox'],
  [/Chrome\/|CriOS\/|Chromium\//, 'Chrome'],
  [/Safari\//, 'Safari'],
];

const SYSTEMS: Array<[RegExp, string]> = [
  [/iPhone/, 'iPhone'],
  [/iPad/, 'iPad'],
  [/Android/, 'Android'],
  [/Windows/, 'Windows'],
  [/Mac OS X|Macintosh/, 'Mac'],
  [/CrOS/, 'ChromeOS'],
  [/Linux/, 'Linux'],
];

/** The browser family and system of a User-Agent, as far as they are known (names in any language). */
export function deviceParts(userAgent: string): { browser?: string; system?: string } {
  return {
    browser: BROWSERS.find(([pattern]) => pattern.test(userAgent))?.[1],
    system: SYSTEMS.find(([pattern]) => pattern.test(userAgent))?.[1],
  };
}

export function describeDevice(userAgent: string): IdpSaid {
  const { browser, system } = deviceParts(userAgent);
  if (system) return { key: 'fields.device.browserOn', params: { browser, system } };
  return browser ? { key: 'fields.device.browser', params: { browser } } : 'fields.device.unknownBrowser';
}
