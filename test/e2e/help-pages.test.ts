import type { Browser, Page } from 'playwright-core';
import { en as idpEnglish } from '../../idp/i18n/en.js';
import { defaultHelp } from '../../portal/help/default-help.js';
import type { HelpContent, HelpSource } from '../../portal/help/help-content.js';
import { useStackAndBrowser } from '../helpers/e2e.js';
import { axeViolations, japaneseOnPage } from '../helpers/i18n-checks.js';
import { loginAndOpen, MEDICAL_PASSWORD } from '../helpers/medical.js';
import { createMemberWithLogin, type TestStack } from '../helpers/stack.js';

let stack: TestStack;
let browser: Browser;

/** ベータ wrote its own FAQ (as stored content will be): one question, with markup that must stay text. */
const betaFaq: HelpContent['faq'] = [{
  id: 'office-hours', kind: 'faq', title: '窓口の受付時間は？',
  body: '平日9時〜17時です。<script>document.title="pwned"</script>\n\n- 詳しくは https://beta.example.jp/contact をご覧ください。\n- javascript:alert(1)',
}];
const help: HelpSource = {
  contentFor: async (slug, locale) => (slug === 'beta' ? { guide: defaultHelp(slug, locale).guide, faq: betaFaq } : defaultHelp(slug, locale)),
};

useStackAndBrowser({ policy: { mfa: { required: false } }, portalServices: { help } }, async (env) => {
  ({ stack, browser } = env);
  await createMemberWithLogin(stack, 'alpha', { userId: 'help-hanako', password: MEDICAL_PASSWORD }, { nameKanji: '案内 花子' });
  await createMemberWithLogin(stack, 'alpha', { userId: 'help-english', password: MEDICAL_PASSWORD }, { nameKanji: '英語 次郎' });
  await createMemberWithLogin(stack, 'beta', { userId: 'help-beta', password: MEDICAL_PASSWORD }, { nameKanji: '別組 三郎' });
});

const FAQ = defaultHelp('alpha', 'ja').faq;
const GUIDE = defaultHelp('alpha', 'ja').guide;
const htmlLang = (page: Page) => page.locator('html').getAttribute('lang');
const questions = (page: Page) => page.locator('details.faq summary .question').allInnerTexts();
const status = (page: Page) => page.getByRole('status').innerText();
/** Nothing wider than a phone's screen (the search box and long URLs wrap). */
const fitsWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

async function search(page: Page, label: string, button: string, query: string): Promise<void> {
  await page.getByLabel(label).fill(query);
  await page.getByRole('button', { name: button, exact: true }).click();
  await page.waitForURL((url) => url.searchParams.get('q') === query);
}

test('a member on a phone finds the FAQ, searches it, opens an answer, and is pointed onwards when nothing matches', async () => {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();

  // Like home, the help needs a login; after it the member is back on the page they asked for.
  await loginAndOpen(page, stack, 'alpha', 'help-hanako', '/faq');
  await page.getByRole('heading', { name: 'よくある質問', level: 1 }).waitFor();
  expect(await questions(page)).toEqual(FAQ.map((q) => q.title));
  expect(await fitsWidth(page)).toBe(true);
  expect(await axeViolations(page)).toEqual([]);

  // Each question opens its answer without JavaScript (<details>), and has an anchor to link to.
  const locked = page.locator('details#faq-account-locked');
  expect(await locked.getByText('ロックの解除は、ご加入の健康保険組合へお問い合わせください。').isVisible()).toBe(false);
  await locked.locator('summary').tap();
  expect(await locked.getByText('ロックの解除は、ご加入の健康保険組合へお問い合わせください。').isVisible()).toBe(true);

  // Half-width katakana and a full-width space: every word must match; the count is announced and in the title.
  await search(page, 'キーワードで質問を探す', '検索', 'ﾊﾟｽﾜｰﾄﾞ　忘れ');
  expect(await status(page)).toMatch(/^「ﾊﾟｽﾜｰﾄﾞ　忘れ」に該当する質問は\d+件です。$/);
  const found = await questions(page);
  expect(found).toContain('パスワードを忘れました');
  expect(found).not.toContain('認証アプリでQRコードを読み取れません');
  expect(await page.title()).toContain(`「ﾊﾟｽﾜｰﾄﾞ　忘れ」の検索結果（${found.length}件）`);
  expect(await page.getByLabel('キーワードで質問を探す').inputValue()).toBe('ﾊﾟｽﾜｰﾄﾞ　忘れ');
  // The excerpt shows where the answer matched, marked.
  expect(await page.locator('#faq-forgot-password .excerpt mark').first().innerText()).toMatch(/パスワード|忘れ/);
  expect(await axeViolations(page)).toEqual([]);

  // The answer's link to the medical pages is a link.
  await search(page, 'キーワードで質問を探す', '検索', '3か月');
  const delay = page.locator('details#faq-medical-delay');
  await delay.locator('summary').tap();
  expect(await delay.getByRole('link', { name: '/u/alpha/medical/' }).getAttribute('href')).toBe('/u/alpha/medical/');

  // Nothing found: said so, with the ways on.
  await search(page, 'キーワードで質問を探す', '検索', '宇宙旅行');
  expect(await status(page)).toBe('該当する質問が見つかりませんでした。');
  expect(await page.locator('details.faq').count()).toBe(0);
  await page.getByText('解決しない場合は、アルファ健康保険組合へお問い合わせください。').waitFor();
  expect(await axeViolations(page)).toEqual([]);
  await page.getByRole('link', { name: 'ご利用案内を見る' }).tap();

  // The guide: contents linking to each article's heading.
  await page.getByRole('heading', { name: 'ご利用案内', level: 1 }).waitFor();
  const contents = page.getByRole('navigation', { name: '目次' });
  expect(await contents.getByRole('link').allInnerTexts()).toEqual(GUIDE.map((a) => a.title));
  await contents.getByRole('link', { name: '安全にログアウトする' }).tap();
  expect(page.url()).toMatch(/\/u\/alpha\/help#guide-logout$/);
  expect(await page.locator('#guide-logout').innerText()).toBe('安全にログアウトする');
  expect(await fitsWidth(page)).toBe(true);
  expect(await axeViolations(page)).toEqual([]);
  await page.getByRole('navigation', { name: 'ヘルプ・サポート' }).getByRole('link', { name: 'よくある質問' }).tap();
  await page.getByRole('heading', { name: 'よくある質問', level: 1 }).waitFor();
  await context.close();
});

test('a search too long, or given twice, is explained next to the box', async () => {
  const page = await browser.newPage();
  await loginAndOpen(page, stack, 'alpha', 'help-hanako', '/');
  await page.getByRole('link', { name: 'よくある質問' }).click();
  const response = await page.goto(`${stack.portalUrl}/u/alpha/faq?q=${'あ'.repeat(101)}`);
  expect(response!.status()).toBe(400);
  const box = page.getByLabel('キーワードで質問を探す');
  expect(await box.getAttribute('aria-invalid')).toBe('true');
  expect(await page.getByText('検索キーワードは100文字以内で入力してください。').isVisible()).toBe(true);
  expect(await questions(page)).toEqual(FAQ.map((q) => q.title));
  expect(await axeViolations(page)).toEqual([]);
  expect((await page.goto(`${stack.portalUrl}/u/alpha/faq?q=a&q=b`))!.status()).toBe(400);
  await page.getByText('検索キーワードは1つの入力欄に入力してください。').waitFor();
  await page.close();
});

test('a member reading English gets the guide and the FAQ in English, searchable, with nothing for axe to find', async () => {
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  await page.goto(`${stack.portalUrl}/u/alpha/help`);
  await page.getByLabel(idpEnglish['login.userId']).fill('help-english');
  await page.getByLabel(idpEnglish['login.password'], { exact: true }).fill(MEDICAL_PASSWORD);
  await page.getByRole('button', { name: idpEnglish['login.submit'] }).click();
  await page.waitForURL(`${stack.portalUrl}/u/alpha/help`);

  const data = [stack.unions.alpha.name, '英語 次郎'];
  for (const path of ['/help', '/faq', '/faq?q=PASSWORD%20forgotten', '/faq?q=spaceflight']) {
    await page.goto(`${stack.portalUrl}/u/alpha${path}`);
    expect([path, await htmlLang(page)]).toEqual([path, 'en']);
    expect([path, await japaneseOnPage(page, data)]).toEqual([path, []]);
    expect([path, await axeViolations(page)]).toEqual([path, []]);
  }
  await page.getByRole('heading', { name: 'Frequently asked questions', level: 1 }).waitFor();
  expect(await status(page)).toBe('No questions matched your search.');
  await search(page, 'Search the questions', 'Search', 'lost phone');
  expect(await questions(page)).toContain('I have lost my smartphone, or changed to a new one');
  expect(await status(page)).toMatch(/^\d+ questions? match(es)? "lost phone"\.$/);

  // The same anchors in both languages: the switch keeps the reader on the same question.
  await page.goto(`${stack.portalUrl}/u/alpha/faq#faq-passkey`);
  expect(await page.locator('#faq-passkey summary').innerText()).toBe('What is biometrics (a passkey)?');
  await page.getByRole('link', { name: '日本語' }).click();
  expect(await page.locator('#faq-passkey summary').innerText()).toBe('生体認証（パスキー）とは何ですか');
  await context.close();
});

test('a union\'s own content comes from the help source, and its markup stays text', async () => {
  const page = await browser.newPage();
  await loginAndOpen(page, stack, 'beta', 'help-beta', '/faq');
  expect(await questions(page)).toEqual(['窓口の受付時間は？']);
  await page.locator('#faq-office-hours summary').click();
  const answer = page.locator('#faq-office-hours .answer');
  expect(await answer.innerText()).toContain('<script>document.title="pwned"</script>');
  expect(await answer.locator('script').count()).toBe(0);
  expect(await page.title()).not.toBe('pwned');
  expect(await answer.getByRole('link').evaluateAll((links) => links.map((a) => a.getAttribute('href')))).toEqual(['https://beta.example.jp/contact']);
  expect(await answer.getByText('javascript:alert(1)').isVisible()).toBe(true);
  await page.close();
});
