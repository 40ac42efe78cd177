import type { Browser, Page } from 'playwright-core';
import { en as idpEnglish } from '../../idp/i18n/en.js';
import { addMonths, viewingWindow } from '../../portal/medical/period.js';
import { useStackAndBrowser } from '../helpers/e2e.js';
import { axeViolations, japaneseOnPage } from '../helpers/i18n-checks.js';
import { createMedicalHousehold, loginAndOpen, MEDICAL_PASSWORD, memberSession, type MedicalHousehold } from '../helpers/medical.js';
import type { TestStack } from '../helpers/stack.js';

let stack: TestStack;
let browser: Browser;
let household: MedicalHousehold;
/** What stays Japanese on an English page because it is data: names, the union, medical institutions, remarks. */
let data: string[];

useStackAndBrowser({ policy: { mfa: { required: false } } }, async (env) => {
  ({ stack, browser } = env);
  household = await createMedicalHousehold(stack, 'alpha', { kigo: '700', bango: '90001' }, [
    { edaban: '00', name: '英語 太郎', relation: '本人', birthYear: 1980, userId: 'english-taro' },
    { edaban: '01', name: '英語 花子', relation: '家族', birthYear: 1982, userId: 'english-hanako' },
  ]);
  data = [stack.unions.alpha.name, '英語 太郎', '英語 花子',
    ...household.claims.flatMap((c) => [c.facilityName ?? '', c.note ?? '']).filter(Boolean).sort((a, b) => b.length - a.length)];
});

const WINDOW = viewingWindow(new Date());
const lastYear = () => WINDOW.years[1];
const latestMonth = () => household.claims.map((c) => c.serviceMonth).sort().at(-1)!;

/** The member's pages: home, the summary, a month's and a year's statement, the filter with results, a refusal, a page not found. */
const PAGES = () => [
  '/', '/medical/', `/medical/months/${latestMonth()}`, `/medical/years/${lastYear()}`,
  `/medical/search?from=${WINDOW.from}&to=${WINDOW.to}`, '/medical/months/1999-01', '/no-such-page',
];

/** The IdP's login form in English (the browser asks for English, or the portal passed ui_locales=en). */
async function logInInEnglish(page: Page, userId: string): Promise<void> {
  await page.getByLabel(idpEnglish['login.userId']).fill(userId);
  await page.getByLabel(idpEnglish['login.password'], { exact: true }).fill(MEDICAL_PASSWORD);
  await page.getByRole('button', { name: idpEnglish['login.submit'] }).click();
}

const htmlLang = (page: Page) => page.locator('html').getAttribute('lang');

test('a member whose browser asks for English reads home and the medical pages in English, with nothing for axe to find', async () => {
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  await page.goto(`${stack.portalUrl}/u/alpha/`);
  expect(await htmlLang(page)).toBe('en');
  await logInInEnglish(page, 'english-taro');
  await page.waitForURL(`${stack.portalUrl}/u/alpha/`);

  for (const path of PAGES()) {
    await page.goto(`${stack.portalUrl}/u/alpha${path}`);
    expect([path, await htmlLang(page)]).toEqual([path, 'en']);
    expect([path, await japaneseOnPage(page, data)]).toEqual([path, []]);
    expect([path, await axeViolations(page)]).toEqual([path, []]);
  }

  // What the member reads, in the words of the union's English materials.
  await page.goto(`${stack.portalUrl}/u/alpha/medical/months/${latestMonth()}`);
  const headings = await page.locator('table.statement thead th').allInnerTexts();
  expect(headings.map((h) => h.split('\n')[0])).toEqual(['Month of treatment', 'Patient', 'Medical institution', 'Total medical cost', 'Who paid', 'Remarks', 'Paid by insurer', 'Public subsidy', 'Your copayment']);
  expect(await page.locator('.statement-meta').innerText()).toContain('insurer number (保険者番号) 06130001');
  await page.getByRole('region', { name: 'What you paid' }).waitFor();

  // The chart of the last twelve months: short English months, the year where it changes, the numbers
  // in a table; on a 320px screen it shrinks to fit, and nothing makes the page scroll sideways.
  await page.goto(`${stack.portalUrl}/u/alpha/medical/`);
  const chart = page.getByRole('region', { name: 'Your copayments over the last 12 months' });
  const months = Array.from({ length: 12 }, (_, i) => addMonths(WINDOW.to, i - 11));
  const short = (month: string) => new Date(`${month}-15`).toLocaleString('en-US', { month: 'short' });
  expect(await chart.locator('.chart-labels text').allTextContents())
    .toEqual(months.flatMap((m, i) => (i === 0 || m.endsWith('-01') ? [short(m), m.slice(0, 4)] : [short(m)])));
  expect(await chart.getByRole('table').locator('tbody th').allTextContents())
    .toEqual(months.map((m) => new Date(`${m}-15`).toLocaleString('en-US', { month: 'long', year: 'numeric' })));
  await page.setViewportSize({ width: 320, height: 640 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(320);
  const box = (await chart.locator('svg').boundingBox())!;
  expect(box.x + box.width).toBeLessThanOrEqual(320);
  await page.setViewportSize({ width: 1280, height: 720 });

  // The filter explains a wrong range in English.
  await page.goto(`${stack.portalUrl}/u/alpha/medical/search`);
  await page.getByLabel('Month of treatment (from)').selectOption(`${lastYear()}-12`);
  await page.getByLabel('Month of treatment (to)').selectOption(`${lastYear()}-01`);
  await page.getByRole('button', { name: 'Show' }).click();
  expect(await page.getByRole('alert').innerText()).toContain('The end month must be the same as the start month or later.');
  expect(await japaneseOnPage(page, data)).toEqual([]);
  await context.close();
});

test('the same pages in Japanese have nothing for axe to find either', async () => {
  const page = await browser.newPage();
  await loginAndOpen(page, stack, 'alpha', 'english-hanako', '/');
  for (const path of PAGES()) {
    await page.goto(`${stack.portalUrl}/u/alpha${path}`);
    expect([path, await htmlLang(page)]).toEqual([path, 'ja']);
    expect([path, await axeViolations(page)]).toEqual([path, []]);
  }
  await page.close();
});

test('a member who chose English at the IdP gets the portal in English, though the browser asks for Japanese', async () => {
  await stack.database.db('accounts').where({ id: household.accounts['01'] }).update({ language: 'en' });
  const context = await browser.newContext();
  const page = await context.newPage();
  await loginAndOpen(page, stack, 'alpha', 'english-hanako', '/medical/');
  expect((await memberSession(stack.portalDatabase.db, 'alpha', household.accounts['01']))!.locale).toBe('en');
  expect(await htmlLang(page)).toBe('en');
  await page.getByRole('heading', { name: 'Medical expenses', level: 1 }).waitFor();

  // The switch on the page still wins over the member's setting.
  await page.getByRole('link', { name: '日本語' }).click();
  await page.getByRole('heading', { name: '医療費情報', level: 1 }).waitFor();
  expect(await htmlLang(page)).toBe('ja');
  await context.close();
  await stack.database.db('accounts').where({ id: household.accounts['01'] }).update({ language: null });
});

test('the language switch is on a phone\'s screen too, and the IdP\'s login follows the portal\'s choice', async () => {
  const context = await browser.newContext({ viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await page.goto(`${stack.portalUrl}/`);
  const english = page.getByRole('navigation', { name: '表示言語' }).getByRole('link', { name: 'English' });
  const box = (await english.boundingBox())!;
  expect(box.x + box.width).toBeLessThanOrEqual(360);
  await english.tap();
  await page.getByRole('heading', { name: 'Health insurance union portal' }).waitFor();

  // The portal asks the IdP for English (ui_locales): the login page is English for this Japanese browser.
  const requested: string[] = [];
  page.on('request', (request) => requested.push(request.url()));
  await page.goto(`${stack.portalUrl}/u/alpha/medical/`);
  expect(requested.find((url) => url.startsWith(stack.unions.alpha.issuer))).toContain('ui_locales=en');
  await page.getByRole('heading', { name: idpEnglish['login.title'] }).waitFor();
  expect(await htmlLang(page)).toBe('en');
  await logInInEnglish(page, 'english-taro');
  await page.waitForURL(`${stack.portalUrl}/u/alpha/medical/`);
  expect(await htmlLang(page)).toBe('en');
  const nav = page.getByRole('navigation', { name: 'Language' });
  expect(await nav.getByRole('link', { name: '日本語' }).isVisible()).toBe(true);
  await context.close();
});
