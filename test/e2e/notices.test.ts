import type { Browser, Page } from 'playwright-core';
import { en as idpEnglish } from '../../idp/i18n/en.js';
import { useStackAndBrowser } from '../helpers/e2e.js';
import { axeViolations, japaneseOnPage } from '../helpers/i18n-checks.js';
import { loginAndOpen, MEDICAL_PASSWORD } from '../helpers/medical.js';
import { createMemberWithLogin, portalAdminToken, type TestStack } from '../helpers/stack.js';

/** お知らせ as a member meets them: the 🔔 with its count, the list with 未読 labels, a notice, read. */
let stack: TestStack;
let browser: Browser;

useStackAndBrowser({ policy: { mfa: { required: false } } }, async (env) => {
  ({ stack, browser } = env);
  await createMemberWithLogin(stack, 'alpha', { userId: 'notice-reader', password: MEDICAL_PASSWORD }, { nameKanji: 'お知らせ 読子', kigo: '60', bango: '601' });
  await createMemberWithLogin(stack, 'beta', { userId: 'notice-english', password: MEDICAL_PASSWORD }, { nameKanji: '英語 読子', kigo: '60', bango: '602' });
});

const NEWS = { title: '年末年始の窓口休業について', body: '12月29日から1月3日まで、窓口を休業します。\n\n詳しくは https://example.jp/info をご覧ください。\nご利用案内は /u/alpha/ から。' };
const MAINTENANCE = { kind: 'maintenance', title: '定期メンテナンスのお知らせ', body: '毎月第3木曜日の19時～22時は、定期メンテナンスのため、原則システムを停止いたします。', window: { month: '2032-01' } };

async function publish(slug: string, notice: object): Promise<number> {
  const response = await fetch(`${stack.portalUrl}/u/${slug}/admin/v1/notices`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await portalAdminToken(stack.unions[slug])}`, 'content-type': 'application/json' },
    body: JSON.stringify(notice),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: number }).id;
}

const bell = (page: Page, name: string) => page.getByRole('navigation', { name: 'お知らせとメニュー' }).getByRole('link', { name, exact: true });

test('no notices yet: the bell has no count, and the list says there is nothing yet', async () => {
  const page = await browser.newPage();
  await loginAndOpen(page, stack, 'alpha', 'notice-reader', '/');
  await bell(page, 'お知らせ').click();
  await page.getByRole('heading', { name: 'お知らせ', level: 1 }).waitFor();
  expect(await page.getByText('現在、お知らせはありません。').isVisible()).toBe(true);
  expect(await page.locator('.site-header .count').count()).toBe(0);
  expect(await axeViolations(page)).toEqual([]);
  await page.close();
});

test('two new notices: the bell counts them, the list marks them 未読, opening one reads it and the count goes down', async () => {
  await publish('alpha', MAINTENANCE);
  await publish('alpha', NEWS);
  const page = await browser.newPage();
  await loginAndOpen(page, stack, 'alpha', 'notice-reader', '/');
  await bell(page, 'お知らせ（未読2件）').click();
  await page.waitForURL(`${stack.portalUrl}/u/alpha/notices`);

  const items = page.locator('.notice-list li');
  // Newest first.
  expect(await items.locator('.notice-title').allInnerTexts()).toEqual([NEWS.title, MAINTENANCE.title]);
  expect(await items.locator('.label-unread').allInnerTexts()).toEqual(['未読', '未読']);
  expect(await page.getByText('未読のお知らせが2件あります。').isVisible()).toBe(true);
  expect(await axeViolations(page)).toEqual([]);

  await page.getByRole('link', { name: `未読 ${NEWS.title}` }).click();
  await page.getByRole('heading', { name: NEWS.title, level: 1 }).waitFor();
  expect(await bell(page, 'お知らせ（未読1件）').isVisible()).toBe(true);
  // Paragraphs as written, the address and the site path as links.
  expect(await page.locator('.notice-body p').count()).toBe(2);
  expect(await page.locator('.notice-body a').evaluateAll((links) => links.map((a) => a.getAttribute('href')))).toEqual(['https://example.jp/info', '/u/alpha/']);
  expect(await axeViolations(page)).toEqual([]);

  await page.getByRole('link', { name: 'お知らせ一覧に戻る' }).first().click();
  expect(await items.locator('.label-unread').count()).toBe(1);
  expect(await page.getByRole('link', { name: NEWS.title, exact: true }).isVisible()).toBe(true);

  await page.getByRole('link', { name: `未読 ${MAINTENANCE.title}` }).click();
  expect(await page.locator('.maintenance-window').innerText()).toContain('メンテナンス日時: 2032年1月15日(木) 19:00〜22:00');
  expect(await axeViolations(page)).toEqual([]);
  expect(await bell(page, 'お知らせ').isVisible()).toBe(true);
  expect(await page.locator('.site-header .count').count()).toBe(0);

  // An id that is not there: a page of its own, with the way back.
  await page.goto(`${stack.portalUrl}/u/alpha/notices/424242`);
  await page.getByRole('heading', { name: 'お知らせが見つかりません', level: 1 }).waitFor();
  expect(await axeViolations(page)).toEqual([]);
  await page.close();
});

test('in English: the list, a notice and the empty state have no Japanese besides the union\'s own words', async () => {
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  await page.goto(`${stack.portalUrl}/u/beta/notices`);
  await page.getByLabel(idpEnglish['login.userId']).fill('notice-english');
  await page.getByLabel(idpEnglish['login.password'], { exact: true }).fill(MEDICAL_PASSWORD);
  await page.getByRole('button', { name: idpEnglish['login.submit'] }).click();
  await page.waitForURL(`${stack.portalUrl}/u/beta/notices`);
  const data = [stack.unions.beta.name, '英語 読子'];
  expect(await page.getByText('There are no notices at the moment.').isVisible()).toBe(true);
  expect(await japaneseOnPage(page, data)).toEqual([]);
  expect(await axeViolations(page)).toEqual([]);

  const id = await publish('beta', MAINTENANCE);
  await page.reload();
  const englishBell = page.getByRole('navigation', { name: 'Notices and menu' }).getByRole('link', { name: 'Notices (1 unread)' });
  expect(await englishBell.isVisible()).toBe(true);
  expect(await page.locator('.label-unread').innerText()).toBe('Unread');
  const withNotice = [...data, MAINTENANCE.title, MAINTENANCE.body];
  expect(await japaneseOnPage(page, withNotice)).toEqual([]);
  expect(await axeViolations(page)).toEqual([]);

  await page.getByRole('link', { name: `Unread ${MAINTENANCE.title}` }).click();
  await page.waitForURL(`${stack.portalUrl}/u/beta/notices/${id}`);
  expect(await page.locator('.maintenance-window').innerText()).toContain('Thu 15 January 2032, 19:00–22:00 (Japan time)');
  expect(await japaneseOnPage(page, withNotice)).toEqual([]);
  expect(await axeViolations(page)).toEqual([]);
  expect(await page.getByRole('navigation', { name: 'Notices and menu' }).getByRole('link', { name: 'Notices', exact: true }).isVisible()).toBe(true);
  await context.close();
});

test('an announced maintenance window shows on the IdP\'s login page, with nothing for axe to find', async () => {
  const start = Date.now() + 2 * 60 * 60 * 1000;
  await publish('alpha', {
    kind: 'maintenance', title: '臨時メンテナンス', body: 'サーバーを入れ替えます。',
    window: { start: new Date(start).toISOString(), end: new Date(start + 3 * 60 * 60 * 1000).toISOString() },
  });
  await stack.idp.maintenance.refresh(`${stack.portalUrl}/u/alpha/maintenance.json`);
  const page = await browser.newPage();
  await page.goto(`${stack.portalUrl}/u/alpha/`);
  await page.getByRole('heading', { name: 'ログイン', level: 1 }).waitFor();
  expect(await page.getByRole('note').innerText()).toMatch(/^メンテナンスのお知らせ: .+ はサービスを停止します。$/);
  expect(await axeViolations(page)).toEqual([]);
  await page.close();
});
