import path from 'node:path';
import ejs from 'ejs';
import type { Locale } from '../../i18n/locale.js';
import { portalText } from '../../portal/i18n/text.js';
import { viewsDir } from '../../project/paths.js';

/**
 * The member header as a screen reader and a sighted member meet it: 🔔 and ✉ are named in words
 * with their unread counts, the icons and the visible numbers are hidden from assistive technology,
 * and a count shows only when there is something unread (whichever counters the portal has).
 */
const union = { slug: 'alpha', name: 'アルファ健康保険組合', issuer: 'https://id.example.jp/u/alpha' };

function header(badges: unknown, locale: Locale = 'ja', name = '磯野 波平'): Promise<string> {
  const { t } = portalText(locale);
  return ejs.renderFile(path.join(viewsDir, 'portal', '_header.ejs'), { union, member: { name }, badges, csrf: 'token-1', t, lang: locale }, { async: true });
}

/** Each icon link's words (its visually hidden text) and its visible count, if any. */
function iconLinks(html: string): Array<{ href: string; name: string; count?: string }> {
  return [...html.matchAll(/<a class="icon-link" href="([^"]+)">([\s\S]*?)<\/a>/g)].map(([, href, inner]) => ({
    href,
    name: /<span class="visually-hidden">([^<]*)<\/span>/.exec(inner)![1],
    ...(/<span class="count" aria-hidden="true">([^<]*)<\/span>/.exec(inner) ? { count: /<span class="count" aria-hidden="true">([^<]*)<\/span>/.exec(inner)![1] } : {}),
  }));
}

test('unread counts are in the links\' names, shown only above zero, and capped at 99+ on screen', async () => {
  expect(iconLinks(await header({ notices: 3, messages: 120 }))).toEqual([
    { href: '/u/alpha/notices', name: 'お知らせ（未読3件）', count: '3' },
    { href: '/u/alpha/messages', name: 'MYメール（未読120件）', count: '99+' },
  ]);
  expect(iconLinks(await header({ notices: 1, messages: 0 }, 'en'))).toEqual([
    { href: '/u/alpha/notices', name: 'Notices (1 unread)', count: '1' },
    { href: '/u/alpha/messages', name: 'My mail' },
  ]);
});

test('no counters yet, or none answering: no badge, and the header still renders', async () => {
  for (const badges of [undefined, {}, { notices: -1, messages: Number.NaN }, { notices: '4' }]) {
    expect(iconLinks(await header(badges))).toEqual([
      { href: '/u/alpha/notices', name: 'お知らせ' },
      { href: '/u/alpha/messages', name: 'MYメール' },
    ]);
  }
});

test('the icons are decorative, the menu goes to the IdP\'s pages, logout is a POST with the CSRF token, and the name is text', async () => {
  const html = await header({}, 'ja', '<img src=x onerror=alert(1)>');
  expect([...html.matchAll(/<svg [^>]*>/g)].every(([svg]) => svg.includes('aria-hidden="true"') && svg.includes('focusable="false"'))).toBe(true);
  expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; 様');
  expect(html).not.toContain('<img');
  expect([...html.matchAll(/<li><a href="([^"]+)"/g)].map((m) => m[1])).toEqual([
    '/u/alpha/profile', '/u/alpha/settings/notifications', '/u/alpha/help', '/u/alpha/faq',
    '/u/alpha/', 'https://id.example.jp/u/alpha/account/profile', 'https://id.example.jp/u/alpha/account/security', 'https://id.example.jp/u/alpha/terms',
  ]);
  expect(html).toMatch(/<form method="post" action="\/u\/alpha\/logout" class="inline">\s*<input type="hidden" name="csrf" value="token-1">/);
});
