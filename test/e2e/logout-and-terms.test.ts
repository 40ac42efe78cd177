import type { Browser } from 'playwright-core';
import { publishTerms } from '../../idp/terms/terms-repository.js';
import { settleBackchannel } from '../helpers/backchannel.js';
import { loginAt } from '../helpers/journeys.js';
import { createMemberWithLogin, type TestStack } from '../helpers/stack.js';
import { useStackAndBrowser } from '../helpers/e2e.js';
import { axeViolations } from '../helpers/i18n-checks.js';

let stack: TestStack;
let browser: Browser;

useStackAndBrowser({ policy: { mfa: { required: false } } }, async (env) => {
  ({ stack, browser } = env);
  // Only beta has terms: alpha's members log in without them.
  await publishTerms(stack.database.db, 'beta', { title: 'ベータ健保 利用規約', body: '第1条 本規約は…', publishedBy: 'test' });
});

test('キャンセル on 「ログアウトしてもよろしいですか？」 keeps the member signed in to the portal', async () => {
  await createMemberWithLogin(stack, 'alpha', { userId: 'stay-in', password: 'stay-in-pass-1' }, { nameKanji: '継続 花子' });
  const page = await browser.newPage();
  await loginAt(page, `${stack.portalUrl}/u/alpha/`, 'stay-in', 'stay-in-pass-1');
  await page.waitForURL(`${stack.portalUrl}/u/alpha/`);

  await page.getByRole('button', { name: 'ログアウト' }).click();
  await page.getByText('ログアウトしてもよろしいですか？').waitFor();
  expect(await axeViolations(page)).toEqual([]);
  await page.getByRole('link', { name: 'キャンセル' }).click();
  await page.waitForURL(`${stack.portalUrl}/u/alpha/`);
  await expect(page.locator('.member-name').textContent()).resolves.toBe('継続 花子 様');
  // The portal's medical pages still open (its tokens were not revoked), and the IdP still knows the member.
  await page.goto(`${stack.portalUrl}/u/alpha/medical/`);
  await page.getByRole('heading', { name: '医療費情報' }).waitFor();
  await page.close();
});

test('declining the terms ends the sign-in with a clear portal page; the next visit asks for the password', async () => {
  await createMemberWithLogin(stack, 'beta', { userId: 'no-terms', password: 'no-terms-pass-1' });
  const page = await browser.newPage();
  await loginAt(page, `${stack.portalUrl}/u/beta/`, 'no-terms', 'no-terms-pass-1');
  await page.getByRole('heading', { name: '利用規約への同意' }).waitFor();
  await page.getByRole('button', { name: '同意しない' }).click();
  await page.getByRole('link', { name: 'アプリケーションに戻る' }).click();

  await page.waitForURL((url) => url.href.startsWith(`${stack.portalUrl}/u/beta/callback`));
  await expect(page.getByRole('alert').textContent()).resolves.toContain('利用規約に同意いただけなかったため、ログインを中止しました。');
  await page.getByRole('link', { name: 'もう一度ログインする' }).click();
  await page.getByLabel('ユーザID').waitFor(); // the IdP login ended too: the password again, not the terms
  await page.close();
});

test('declining updated terms at a second app also ends the portal login that session had made', async () => {
  await createMemberWithLogin(stack, 'beta', { userId: 'later-no', password: 'later-no-pass-1' });
  const context = await browser.newContext();
  const page = await context.newPage();
  await loginAt(page, `${stack.portalUrl}/u/beta/`, 'later-no', 'later-no-pass-1');
  await page.getByRole('button', { name: '同意する' }).click();
  await page.waitForURL(`${stack.portalUrl}/u/beta/`);

  // A new version, then the account console (another relying party) by single sign-on: declined.
  await publishTerms(stack.database.db, 'beta', { title: 'ベータ健保 利用規約（改定）', body: '第1条 改定後の規約…', publishedBy: 'test' });
  await page.goto(`${stack.idpUrl}/u/beta/account/`);
  await page.getByRole('heading', { name: '利用規約への同意' }).waitFor();
  await page.getByRole('button', { name: '同意しない' }).click();
  await page.getByRole('link', { name: 'アプリケーションに戻る' }).waitFor();

  await settleBackchannel(stack.database.db);
  const portal = await context.request.get(`${stack.portalUrl}/u/beta/`, { maxRedirects: 0 });
  expect(portal.status()).not.toBe(200);
  expect(portal.headers().location).toContain('/u/beta/login');
  await context.close();
});
