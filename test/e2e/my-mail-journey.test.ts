import type { Browser, Page } from 'playwright-core';
import { en as idpEnglish } from '../../idp/i18n/en.js';
import { useStackAndBrowser } from '../helpers/e2e.js';
import { axeViolations, japaneseOnPage } from '../helpers/i18n-checks.js';
import { loginAndOpen, MEDICAL_PASSWORD } from '../helpers/medical.js';
import { portalAdminApi } from '../helpers/my-mail.js';
import { createMemberWithLogin, type TestStack } from '../helpers/stack.js';

let stack: TestStack;
let browser: Browser;
let api: Awaited<ReturnType<typeof portalAdminApi>>;
const JA_CARD = { kigo: '930', bango: '1001', edaban: '00' };
const EN_CARD = { kigo: '930', bango: '1002', edaban: '00' };

useStackAndBrowser({ policy: { mfa: { required: false } } }, async (env) => {
  ({ stack, browser } = env);
  api = await portalAdminApi(stack, 'alpha');
  await createMemberWithLogin(stack, 'alpha', { userId: 'mail-ja', password: MEDICAL_PASSWORD }, { ...JA_CARD, nameKanji: '郵便 太郎' });
  await createMemberWithLogin(stack, 'alpha', { userId: 'mail-en', password: MEDICAL_PASSWORD }, { ...EN_CARD, nameKanji: '郵便 花子' });
});

const SUBJECT = '【要返信】特定健診の受診予定について';
const PARAGRAPHS = ['今年度の特定健診の受診予定をお知らせください。', '詳しくは https://example.jp/kenshin をご覧ください。'];

const envelope = (page: Page) => page.getByRole('navigation', { name: 'お知らせとメニュー' }).getByRole('link', { name: /^MYメール/ });
const item = (page: Page, subject: string) => page.locator('.message-item', { hasText: subject });
const labelsOf = async (page: Page, subject: string) => (await item(page, subject).locator('.label').allInnerTexts()).map((s) => s.trim());

test('in Japanese: empty, a 要返信 message arrives (✉ counts it), read, refused replies keep the text, the reply is sent, the union answers', async () => {
  const page = await browser.newPage();
  await loginAndOpen(page, stack, 'alpha', 'mail-ja', '/');
  expect(await envelope(page).innerText()).not.toMatch(/\d/);

  // The ✉ leads to MYメール; nothing yet, and the page says what will appear.
  await page.getByRole('link', { name: 'MYメール', exact: true }).click();
  await page.getByRole('heading', { name: 'MYメール', level: 1 }).waitFor();
  await page.getByText('MYメールはまだ届いていません。').waitFor();
  expect(await page.getByText('タイトルに「要返信」ラベルが付いている場合は').count()).toBe(1);
  expect(await axeViolations(page)).toEqual([]);

  const id = await api.send({ ...JA_CARD, subject: SUBJECT, body: PARAGRAPHS.join('\n\n'), replyRequested: true });
  await page.reload();
  await page.getByRole('link', { name: 'MYメール（未読1件）' }).waitFor();
  expect(await labelsOf(page, SUBJECT)).toEqual(['未読', '要返信']);
  expect(await axeViolations(page)).toEqual([]);

  // Reading it: the count goes, the body keeps its paragraphs and its link.
  await page.getByRole('link', { name: SUBJECT }).click();
  await page.getByRole('heading', { name: SUBJECT, level: 1 }).waitFor();
  expect(await envelope(page).innerText()).not.toMatch(/\d/);
  expect(await page.locator('.message-body p').allInnerTexts()).toEqual(PARAGRAPHS);
  expect(await page.getByRole('link', { name: 'https://example.jp/kenshin' }).getAttribute('href')).toBe('https://example.jp/kenshin');
  expect(await axeViolations(page)).toEqual([]);

  // An empty reply is refused precisely.
  const box = page.getByLabel('返信内容');
  await page.getByRole('button', { name: '送信する' }).click();
  expect(await page.getByRole('alert').innerText()).toBe('返信内容を入力してください。');
  expect(await box.getAttribute('aria-invalid')).toBe('true');

  // The count follows the typing; one character too many is refused, and nothing typed is lost.
  const tooLong = `${'あ'.repeat(1999)}\n😀`;
  await box.fill(tooLong);
  expect(await page.locator('#reply-count').innerText()).toBe('2,001 / 2,000文字');
  await page.getByRole('button', { name: '送信する' }).click();
  expect(await page.getByRole('alert').innerText()).toBe('返信は2,000文字以内で入力してください。');
  expect(await box.inputValue()).toBe(tooLong);
  expect(await axeViolations(page)).toEqual([]);

  await box.fill('承知しました。\n10月に受診する予定です。');
  expect(await page.locator('#reply-count').innerText()).toBe('21 / 2,000文字');
  await page.getByRole('button', { name: '送信する' }).click();
  await page.waitForURL(`${stack.portalUrl}/u/alpha/messages/${id}`);
  expect(await page.getByRole('status').innerText()).toBe('返信を送信しました。');
  const mine = page.locator('.thread .entry-member');
  expect(await mine.innerText()).toContain('あなた');
  expect(await mine.locator('p.plain-text').innerText()).toBe('承知しました。\n10月に受診する予定です。');
  expect(await page.locator('.message-labels').innerText()).toBe('返信済み');
  expect(await axeViolations(page)).toEqual([]);

  await page.getByRole('link', { name: 'MYメール一覧に戻る' }).click();
  expect(await labelsOf(page, SUBJECT)).toEqual(['返信済み']);

  // The union answers: unread and 要返信 again, and the ✉ counts it.
  expect((await api.answer(id, 'ご連絡ありがとうございます。受診券を送付しました。')).status).toBe(201);
  await page.reload();
  expect(await labelsOf(page, SUBJECT)).toEqual(['未読', '要返信']);
  await page.getByRole('link', { name: 'MYメール（未読1件）' }).click();
  await page.getByRole('link', { name: SUBJECT }).click();
  expect(await page.locator('.thread .entry-union').innerText()).toContain('健康保険組合');
  expect(await page.locator('.thread .entry-union').innerText()).toContain('受診券を送付しました。');
  await page.close();
});

test('in English: the same journey, with no Japanese on the pages except what the union wrote and the names', async () => {
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  await page.goto(`${stack.portalUrl}/u/alpha/messages/`);
  await page.getByLabel(idpEnglish['login.userId']).fill('mail-en');
  await page.getByLabel(idpEnglish['login.password'], { exact: true }).fill(MEDICAL_PASSWORD);
  await page.getByRole('button', { name: idpEnglish['login.submit'] }).click();
  await page.waitForURL(`${stack.portalUrl}/u/alpha/messages/`);
  const data = [stack.unions.alpha.name, '郵便 花子', SUBJECT, ...PARAGRAPHS];

  await page.getByRole('heading', { name: 'My mail', level: 1 }).waitFor();
  await page.getByText('You have no messages yet.').waitFor();
  expect(await japaneseOnPage(page, data)).toEqual([]);
  expect(await axeViolations(page)).toEqual([]);

  const id = await api.send({ ...EN_CARD, subject: SUBJECT, body: PARAGRAPHS.join('\n\n'), replyRequested: true });
  await page.reload();
  await page.getByRole('link', { name: 'My mail (1 unread)' }).waitFor();
  expect(await labelsOf(page, SUBJECT)).toEqual(['Unread', 'Reply requested']);
  expect(await japaneseOnPage(page, data)).toEqual([]);

  await page.getByRole('link', { name: SUBJECT }).click();
  await page.getByRole('heading', { name: SUBJECT, level: 1 }).waitFor();
  expect(await japaneseOnPage(page, data)).toEqual([]);
  expect(await axeViolations(page)).toEqual([]);

  await page.getByRole('button', { name: 'Send' }).click();
  expect(await page.getByRole('alert').innerText()).toBe('Please enter your reply.');
  expect(await japaneseOnPage(page, data)).toEqual([]);
  await page.getByLabel('Your reply').fill('Thank you. I will go in October.');
  expect(await page.locator('#reply-count').innerText()).toBe('32 / 2,000 characters');
  await page.getByRole('button', { name: 'Send' }).click();
  await page.waitForURL(`${stack.portalUrl}/u/alpha/messages/${id}`);
  expect(await page.getByRole('status').innerText()).toBe('Your reply has been sent.');
  expect(await page.locator('.message-labels').innerText()).toBe('Replied');
  expect(await page.locator('.thread .entry-member').innerText()).toContain('You');
  expect(await japaneseOnPage(page, data)).toEqual([]);
  expect(await axeViolations(page)).toEqual([]);

  await page.getByRole('link', { name: 'Back to My mail' }).click();
  expect(await labelsOf(page, SUBJECT)).toEqual(['Replied']);
  await context.close();
});
