import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { en as idpEnglish } from '../../idp/i18n/en.js';
import { useStackAndBrowser } from '../helpers/e2e.js';
import { axeViolations, japaneseOnPage } from '../helpers/i18n-checks.js';
import { loginAndOpen, MEDICAL_PASSWORD } from '../helpers/medical.js';
import { createMemberWithLogin, TEST_UNIONS, type TestStack } from '../helpers/stack.js';

let stack: TestStack;
let browser: Browser;

useStackAndBrowser({ policy: { mfa: { required: false } } }, async (env) => {
  ({ stack, browser } = env);
  await createMemberWithLogin(stack, 'alpha', { userId: 'profile-ja', password: MEDICAL_PASSWORD }, { nameKanji: '設定 一郎' });
  await createMemberWithLogin(stack, 'alpha', { userId: 'profile-en', password: MEDICAL_PASSWORD }, { nameKanji: '設定 花子' });
});

/** A 300×200 PNG: red on the left third, green in the middle, blue on the right third. */
async function thirdsPng(): Promise<Buffer> {
  const [width, height] = [300, 200];
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) raw.set(x < 100 ? [255, 0, 0] : x < 200 ? [0, 255, 0] : [0, 0, 255], (y * width + x) * 3);
  }
  return sharp(raw, { raw: { width, height, channels: 3 } }).png().toBuffer();
}

type Colour = 'red' | 'green' | 'blue' | 'other';
const nameOf = ([r, g, b]: number[]): Colour => (r > 200 && g < 60 && b < 60 ? 'red' : g > 200 && r < 60 && b < 60 ? 'green' : b > 200 && r < 60 && g < 60 ? 'blue' : 'other');

/** The colour at the centre of the preview canvas, or of the avatar image the page shows. */
async function colourAt(page: Page, what: 'preview' | 'avatar', where: 'centre' | 'left' | 'right' = 'centre'): Promise<Colour> {
  const rgb = await page.evaluate(async ({ what, where }) => {
    let source: HTMLCanvasElement;
    if (what === 'preview') source = document.querySelector('#avatar-preview canvas') as HTMLCanvasElement;
    else {
      const img = document.querySelector('img.avatar') as HTMLImageElement;
      await img.decode();
      source = document.createElement('canvas');
      [source.width, source.height] = [img.naturalWidth, img.naturalHeight];
      source.getContext('2d')!.drawImage(img, 0, 0);
    }
    const x = where === 'left' ? 8 : where === 'right' ? source.width - 8 : source.width / 2;
    return Array.from(source.getContext('2d')!.getImageData(x, source.height / 2, 1, 1).data.slice(0, 3));
  }, { what, where });
  return nameOf(rgb);
}

test('a member sets a picture (choosing its position), a nickname and a self-introduction, on a phone, in Japanese', async () => {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await loginAndOpen(page, stack, 'alpha', 'profile-ja', '/profile');
  await page.getByRole('heading', { name: 'プロフィール設定', level: 1 }).waitFor();
  expect(await page.getByText('プロフィール画像は設定されていません。').isVisible()).toBe(true);
  expect(await page.getByText('公序良俗に反するものは設定しないでください。').isVisible()).toBe(true);
  expect(await axeViolations(page)).toEqual([]);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

  // 📷 画像を選ぶ → the preview shows the square; 右 moves it to the blue third.
  await page.getByLabel('画像を選ぶ').setInputFiles({ name: 'thirds.png', mimeType: 'image/png', buffer: await thirdsPng() });
  await page.getByRole('img', { name: '切り抜く範囲のプレビュー' }).waitFor();
  expect(await colourAt(page, 'preview')).toBe('green');
  await page.getByLabel('右', { exact: true }).check();
  // The whole height at the right: the middle third's green at its left edge, blue at its right.
  expect([await colourAt(page, 'preview', 'left'), await colourAt(page, 'preview', 'right')]).toEqual(['green', 'blue']);
  await page.getByLabel('切り抜く大きさ').selectOption('50');
  expect(await colourAt(page, 'preview')).toBe('blue');
  expect(await axeViolations(page)).toEqual([]);
  await page.getByRole('button', { name: '画像を保存する' }).click();

  await page.getByRole('status').filter({ hasText: 'プロフィール画像を保存しました。' }).waitFor();
  await page.getByRole('img', { name: '現在のプロフィール画像' }).waitFor();
  for (const where of ['left', 'centre', 'right'] as const) expect([where, await colourAt(page, 'avatar', where)]).toEqual([where, 'blue']);

  // Too long first: the message, and the text stays as typed.
  const introduction = '健康づくりのために毎朝歩いています。\nよろしくお願いします。';
  await page.getByLabel('ニックネーム', { exact: true }).fill('いちろう'.repeat(6));
  await page.getByLabel('自己紹介', { exact: true }).fill(introduction);
  await page.getByRole('button', { name: '保存する', exact: true }).click();
  await page.getByRole('alert').filter({ hasText: 'ニックネームは20文字以内で入力してください（現在24文字）。' }).waitFor();
  expect(await page.getByLabel('自己紹介', { exact: true }).inputValue()).toBe(introduction);
  expect(await axeViolations(page)).toEqual([]);

  await page.getByLabel('ニックネーム', { exact: true }).fill('いちろう');
  await page.getByRole('button', { name: '保存する', exact: true }).click();
  await page.getByRole('status').filter({ hasText: 'ニックネーム・自己紹介を保存しました。' }).waitFor();
  expect(await page.getByLabel('ニックネーム', { exact: true }).inputValue()).toBe('いちろう');
  expect(await page.getByLabel('自己紹介', { exact: true }).inputValue()).toBe(introduction);
  await page.getByRole('img', { name: '現在のプロフィール画像' }).waitFor(); // the picture stays
  expect(await axeViolations(page)).toEqual([]);

  // A photo over 5 MB is explained on the page, not by a broken connection.
  const big = Buffer.concat([await sharp({ create: { width: 64, height: 64, channels: 3, background: '#888' } }).jpeg().toBuffer(), Buffer.alloc(8 * 1024 * 1024)]);
  await page.getByLabel('画像を選ぶ').setInputFiles({ name: 'big.jpg', mimeType: 'image/jpeg', buffer: big });
  await page.getByRole('button', { name: '画像を保存する' }).click();
  await page.getByRole('alert').filter({ hasText: '画像のサイズは5MBまでです。' }).waitFor();

  // Deleting the picture.
  await page.getByRole('button', { name: '画像を削除する' }).click();
  await page.getByRole('status').filter({ hasText: 'プロフィール画像を削除しました。' }).waitFor();
  expect(await page.getByText('プロフィール画像は設定されていません。').isVisible()).toBe(true);
  await context.close();
});

test('the same in English: every word on the page is English, and axe finds nothing', async () => {
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  await page.goto(`${stack.portalUrl}/u/alpha/profile`);
  await page.getByLabel(idpEnglish['login.userId']).fill('profile-en');
  await page.getByLabel(idpEnglish['login.password'], { exact: true }).fill(MEDICAL_PASSWORD);
  await page.getByRole('button', { name: idpEnglish['login.submit'] }).click();
  await page.waitForURL(`${stack.portalUrl}/u/alpha/profile`);
  const data = [TEST_UNIONS.alpha.name, '設定 花子'];

  await page.getByRole('heading', { name: 'Profile', level: 1 }).waitFor();
  expect(await page.getByText('Please do not use a profile picture, nickname or self-introduction that infringes').isVisible()).toBe(true);
  expect(await japaneseOnPage(page, data)).toEqual([]);
  expect(await axeViolations(page)).toEqual([]);

  await page.getByLabel('Choose a picture').setInputFiles({ name: 'thirds.png', mimeType: 'image/png', buffer: await thirdsPng() });
  await page.getByLabel('Left', { exact: true }).check();
  await page.getByLabel('Size of the square').selectOption('50');
  expect(await colourAt(page, 'preview')).toBe('red');
  await page.getByRole('button', { name: 'Save picture' }).click();
  await page.getByRole('status').filter({ hasText: 'Your profile picture has been saved.' }).waitFor();
  expect(await colourAt(page, 'avatar')).toBe('red');

  await page.getByLabel('Nickname', { exact: true }).fill('Hanako');
  await page.getByLabel('Self-introduction', { exact: true }).fill('I walk every morning.\u0007');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByRole('alert').filter({ hasText: 'Your self-introduction contains characters that cannot be used (control characters).' }).waitFor();
  expect(await japaneseOnPage(page, data)).toEqual([]);
  expect(await axeViolations(page)).toEqual([]);

  await page.getByLabel('Self-introduction', { exact: true }).fill('I walk every morning.');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByRole('status').filter({ hasText: 'Your nickname and self-introduction have been saved.' }).waitFor();
  expect(await page.getByLabel('Nickname', { exact: true }).inputValue()).toBe('Hanako');
  expect(await page.getByLabel('Self-introduction', { exact: true }).inputValue()).toBe('I walk every morning.');
  expect(await japaneseOnPage(page, data)).toEqual([]);
  expect(await axeViolations(page)).toEqual([]);
  await context.close();
});

test('without JavaScript the form still works: the position chosen with the radio buttons is the one saved', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await loginAndOpen(page, stack, 'alpha', 'profile-ja', '/profile');
  expect(await page.locator('#avatar-preview').isHidden()).toBe(true);
  await page.getByLabel('画像を選ぶ').setInputFiles({ name: 'thirds.png', mimeType: 'image/png', buffer: await thirdsPng() });
  await page.getByLabel('左', { exact: true }).check();
  await page.getByLabel('切り抜く大きさ').selectOption('50');
  await page.getByRole('button', { name: '画像を保存する' }).click();
  await page.getByRole('status').filter({ hasText: 'プロフィール画像を保存しました。' }).waitFor();
  const src = await page.getByRole('img', { name: '現在のプロフィール画像' }).getAttribute('src');
  const image = await page.request.get(`${stack.portalUrl}${src}`);
  const { channels } = await sharp(await image.body()).stats();
  expect(channels.map((c) => Math.round(c.mean / 255))).toEqual([1, 0, 0]); // red
  await context.close();
});
