import type { Browser, Page } from 'playwright-core';
import { en as idpEnglish } from '../../idp/i18n/en.js';
import { useStackAndBrowser } from '../helpers/e2e.js';
import { axeViolations, japaneseOnPage } from '../helpers/i18n-checks.js';
import { loginAndOpen, MEDICAL_PASSWORD } from '../helpers/medical.js';
import { createMemberWithLogin, portalAdminToken, type TestStack } from '../helpers/stack.js';

let stack: TestStack;
let browser: Browser;

useStackAndBrowser({ policy: { mfa: { required: false } } }, async (env) => {
  ({ stack, browser } = env);
  await createMemberWithLogin(stack, 'alpha', { userId: 'header-phone', password: MEDICAL_PASSWORD }, { nameKanji: '磯野 波平' });
  await createMemberWithLogin(stack, 'alpha', { userId: 'header-english', password: MEDICAL_PASSWORD }, { nameKanji: '磯野 舟' });
});

/** The union administrator's side: the portal admin API with a token of alpha's issuer. */
async function admin(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${stack.portalUrl}/u/alpha/admin/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${await portalAdminToken(stack.unions.alpha)}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  expect([method, path, response.status]).toEqual([method, path, 200]);
  return response.json() as Promise<Record<string, unknown>>;
}

const hrefs = (page: Page, scope: string) =>
  page.locator(`${scope} a`).evaluateAll((links) => links.map((a) => `${(a as HTMLElement).innerText.trim()} → ${a.getAttribute('href')}`));
/** Nothing wider than the phone's screen. */
const fitsWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
const withinScreen = async (page: Page, name: string) => {
  const box = (await page.locator('header.site-header').getByRole('link', { name, exact: true }).boundingBox())!;
  return box.x >= 0 && box.x + box.width <= 360;
};

test('on a 360px phone, the header shows the member, the menu, 🔔 ✉ and ☰ (which opens without JavaScript), and 利用規約 opens the IdP\'s page', async () => {
  const phone = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true };
  const context = await browser.newContext(phone);
  const page = await context.newPage();
  await loginAndOpen(page, stack, 'alpha', 'header-phone', '/');
  const { issuer } = stack.unions.alpha;

  await page.getByRole('heading', { name: stack.unions.alpha.name, level: 1 }).waitFor();
  expect(await page.locator('.member-name').innerText()).toBe('磯野 波平 様');
  const menu = page.getByRole('navigation', { name: '会員メニュー' });
  expect(await hrefs(page, '.portal-menu')).toEqual([
    'ホーム → /u/alpha/', `プロフィール変更 → ${issuer}/account/profile`, `ログイン方法変更 → ${issuer}/account/security`, `利用規約 → ${issuer}/terms`,
  ]);
  expect(await menu.getByRole('link', { name: 'ホーム' }).getAttribute('aria-current')).toBe('page');
  for (const name of ['ホーム', 'プロフィール変更', 'ログイン方法変更', '利用規約']) expect([name, await withinScreen(page, name)]).toEqual([name, true]);

  // 🔔 and ✉ are named in words; nothing is counted yet, so no badge.
  const tools = page.getByRole('navigation', { name: 'お知らせとメニュー' });
  expect(await tools.getByRole('link', { name: 'お知らせ', exact: true }).getAttribute('href')).toBe('/u/alpha/notices');
  expect(await tools.getByRole('link', { name: 'MYメール', exact: true }).getAttribute('href')).toBe('/u/alpha/messages');
  expect(await page.locator('.member-tools .count').count()).toBe(0);
  expect(await tools.getByRole('button', { name: 'ログアウト' }).isVisible()).toBe(true);

  // ☰ is closed until tapped, then its links are on the screen.
  const more = page.locator('details.header-menu > summary');
  expect(await page.getByRole('link', { name: '通知設定' }).isVisible()).toBe(false);
  expect(await fitsWidth(page)).toBe(true);
  expect(await axeViolations(page)).toEqual([]);
  expect(await more.innerText()).toBe('メニュー');
  await more.tap();
  expect(await page.locator('details.header-menu').getAttribute('open')).not.toBeNull();
  expect(await hrefs(page, '.header-menu-panel')).toEqual([
    '個人設定 → /u/alpha/profile', '通知設定 → /u/alpha/settings/notifications', 'ご利用案内 → /u/alpha/help', 'よくある質問 → /u/alpha/faq',
  ]);
  for (const name of ['個人設定', '通知設定', 'ご利用案内', 'よくある質問']) expect([name, await withinScreen(page, name)]).toEqual([name, true]);
  expect(await fitsWidth(page)).toBe(true);
  expect(await axeViolations(page)).toEqual([]);

  // Without JavaScript (the same session) ☰ opens just the same: it is a <details>.
  const noScript = await browser.newContext({ ...phone, javaScriptEnabled: false, storageState: await context.storageState() });
  const plain = await noScript.newPage();
  await plain.goto(`${stack.portalUrl}/u/alpha/`);
  expect(await plain.getByRole('link', { name: '通知設定' }).isVisible()).toBe(false);
  await plain.locator('details.header-menu > summary').tap();
  expect(await plain.getByRole('link', { name: '通知設定' }).isVisible()).toBe(true);
  await plain.getByRole('link', { name: 'よくある質問' }).first().tap();
  await plain.getByRole('heading', { name: 'よくある質問', level: 1 }).waitFor();
  await noScript.close();

  await page.locator('.header-menu-panel').getByRole('link', { name: 'ご利用案内' }).tap();
  await page.getByRole('heading', { name: 'ご利用案内', level: 1 }).waitFor();

  // Every member page has the header: the help pages and the medical pages too.
  for (const path of ['/faq', '/medical/']) {
    await page.goto(`${stack.portalUrl}/u/alpha${path}`);
    expect([path, await page.locator('.member-name').innerText()]).toEqual([path, '磯野 波平 様']);
    expect([path, await menu.getByRole('link', { name: 'ホーム' }).getAttribute('aria-current')]).toEqual([path, null]);
  }

  await menu.getByRole('link', { name: '利用規約' }).tap();
  await page.waitForURL(`${issuer}/terms`);
  await page.getByRole('heading', { name: '利用規約', level: 1 }).waitFor();
  await context.close();
});

test('tiles and help the union sets through the admin API are what members see, in Japanese and in English', async () => {
  await admin('PUT', '/tiles', {
    tiles: [
      {
        id: 'health-checkup', labelJa: '人間ドック等予約', labelEn: 'Health checkup booking',
        descriptionJa: '人間ドック・健診の予約と変更', descriptionEn: 'Book or change a health checkup', url: 'https://booking.example.jp/alpha',
      },
      { id: 'checkup-results', labelJa: '健診結果照会', url: 'https://results.example.jp/alpha/' },
    ],
  });
  await admin('PUT', '/help/faq?locale=ja', {
    articles: [{ id: 'office-hours', title: '窓口の受付時間は？', body: '平日9時から17時までです。\n\n- 祝日と年末年始はお休みです。' }],
  });
  await admin('PUT', '/help/guide?locale=en', {
    articles: [{ id: 'welcome', title: 'Welcome to the Alpha portal', body: 'Your medical expenses are at /u/alpha/medical/.' }],
  });

  const page = await browser.newPage();
  await loginAndOpen(page, stack, 'alpha', 'header-phone', '/');
  const services = page.getByRole('region', { name: 'サービス' });
  expect(await hrefs(page, '.tiles')).toEqual([
    '医療費情報 → /u/alpha/medical/', '人間ドック等予約 → https://booking.example.jp/alpha', '健診結果照会 → https://results.example.jp/alpha/',
  ]);
  // The description describes the tile's link; the whole card is the target.
  const booking = services.getByRole('link', { name: '人間ドック等予約' });
  expect(await booking.getAttribute('aria-describedby')).toBeTruthy();
  expect(await page.locator(`#${await booking.getAttribute('aria-describedby')}`).innerText()).toBe('人間ドック・健診の予約と変更');
  expect(await axeViolations(page)).toEqual([]);

  // The union's own FAQ, found by its search.
  await page.goto(`${stack.portalUrl}/u/alpha/faq`);
  expect(await page.locator('details.faq summary .question').allInnerTexts()).toEqual(['窓口の受付時間は？']);
  await page.getByLabel('キーワードで質問を探す').fill('年末年始');
  await page.getByRole('button', { name: '検索', exact: true }).click();
  expect(await page.getByRole('status').innerText()).toBe('「年末年始」に該当する質問は1件です。');
  expect(await page.locator('#faq-office-hours .excerpt mark').innerText()).toBe('年末年始');
  expect(await axeViolations(page)).toEqual([]);
  await page.close();

  // In English: the English labels, the Japanese one (data) where the union wrote none; the English guide is the union's.
  const context = await browser.newContext({ locale: 'en-US' });
  const english = await context.newPage();
  await english.goto(`${stack.portalUrl}/u/alpha/`);
  await english.getByLabel(idpEnglish['login.userId']).fill('header-english');
  await english.getByLabel(idpEnglish['login.password'], { exact: true }).fill(MEDICAL_PASSWORD);
  await english.getByRole('button', { name: idpEnglish['login.submit'] }).click();
  await english.waitForURL(`${stack.portalUrl}/u/alpha/`);
  expect(await hrefs(english, '.tiles')).toEqual([
    'Medical expenses → /u/alpha/medical/', 'Health checkup booking → https://booking.example.jp/alpha', '健診結果照会 → https://results.example.jp/alpha/',
  ]);
  expect(await hrefs(english, '.portal-menu')).toEqual([
    'Home → /u/alpha/', `Profile → ${stack.unions.alpha.issuer}/account/profile`,
    `Login methods → ${stack.unions.alpha.issuer}/account/security`, `Terms of use → ${stack.unions.alpha.issuer}/terms`,
  ]);
  const tools = english.getByRole('navigation', { name: 'Notices and menu' });
  expect(await tools.getByRole('link', { name: 'Notices', exact: true }).getAttribute('href')).toBe('/u/alpha/notices');
  expect(await tools.getByRole('link', { name: 'My mail', exact: true }).getAttribute('href')).toBe('/u/alpha/messages');
  await english.locator('details.header-menu > summary', { hasText: 'Menu' }).click();
  expect(await hrefs(english, '.header-menu-panel')).toEqual([
    'Personal settings → /u/alpha/profile', 'Notification settings → /u/alpha/settings/notifications',
    'User guide → /u/alpha/help', 'Frequently asked questions → /u/alpha/faq',
  ]);

  const data = [stack.unions.alpha.name, '磯野 舟'];
  for (const path of ['/', '/help', '/faq', '/faq?q=password']) {
    await english.goto(`${stack.portalUrl}/u/alpha${path}`);
    expect([path, await english.locator('html').getAttribute('lang')]).toEqual([path, 'en']);
    expect([path, await japaneseOnPage(english, data)]).toEqual([path, []]);
    expect([path, await axeViolations(english)]).toEqual([path, []]);
  }
  await english.goto(`${stack.portalUrl}/u/alpha/help`);
  await english.getByRole('heading', { name: 'Welcome to the Alpha portal' }).waitFor();
  expect(await english.locator('#guide-welcome + .help-text').getByRole('link').getAttribute('href')).toBe('/u/alpha/medical/');
  await english.goto(`${stack.portalUrl}/u/alpha/`);
  await english.locator('details.header-menu summary').click();
  expect(await axeViolations(english)).toEqual([]);
  await context.close();

  // Back to the defaults: the union's FAQ is gone from the page.
  await admin('DELETE', '/help/faq?locale=ja');
  await admin('DELETE', '/help/guide?locale=en');
  await admin('PUT', '/tiles', { tiles: [] });
});

test('with no tiles of its own the top page offers 医療費情報 and says more services will come', async () => {
  const page = await browser.newPage();
  await loginAndOpen(page, stack, 'alpha', 'header-phone', '/');
  expect(await hrefs(page, '.tiles')).toEqual(['医療費情報 → /u/alpha/medical/']);
  await page.getByText('ご加入の健康保険組合のほかのサービスは、準備ができしだい、ここに表示されます。').waitFor();
  await page.getByRole('region', { name: 'サービス' }).getByRole('link', { name: '医療費情報' }).click();
  await page.getByRole('heading', { name: '医療費情報', level: 1 }).waitFor();
  await page.close();
});
