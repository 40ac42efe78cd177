import type { Browser, Page } from 'playwright-core';
import { adminApi } from '../helpers/admin-api.js';
import { useStackAndBrowser } from '../helpers/e2e.js';
import { axeViolations, japaneseOnPage } from '../helpers/i18n-checks.js';
import { linkIn } from '../helpers/smtp.js';
import { createMemberWithLogin, type TestStack } from '../helpers/stack.js';
import { totpFor } from '../helpers/totp.js';

// A member whose browser asks for English signs in from the postcard to the portal: every IdP page
// on the way is English (<html lang="en">), has no Japanese but the member's and the union's data,
// and has no accessibility violations.
let stack: TestStack;
let browser: Browser;
let admin: Awaited<ReturnType<typeof adminApi>>;

const UNION = 'アルファ健康保険組合';
const TERMS_TITLE = 'アルファ健康保険組合 Webサービス利用規約';
const TERMS_BODY = ['第1条（目的）', 'この規約は…'];
const MEMBER = '山田 太郎';

useStackAndBrowser({}, async (env) => {
  ({ stack, browser } = env);
  admin = await adminApi(stack.unions.alpha);
  await admin.publishTerms(TERMS_TITLE, TERMS_BODY.join('\n'));
});

const portalHome = () => `${stack.portalUrl}/u/alpha/`;

/** The page as an English reader meets it: English, nothing Japanese but data, nothing axe-core objects to. */
async function expectEnglish(page: Page, data: string[] = []) {
  expect(await page.locator('html').getAttribute('lang')).toBe('en');
  expect(await japaneseOnPage(page, [...data, UNION, MEMBER])).toEqual([]);
  expect(await axeViolations(page)).toEqual([]);
}

async function logIn(page: Page, userId: string, password: string) {
  await page.getByLabel('User ID').fill(userId);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

test('a browser asking for English does the first login from a postcard, then a daily login, in English', async () => {
  const postcard = await admin.memberWithPostcard({ nameKanji: MEMBER, birthdate: '1981-02-03' });
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  await page.goto(portalHome());
  await page.getByRole('heading', { name: 'Log in' }).waitFor();
  await expectEnglish(page);
  await logIn(page, postcard.userId, postcard.password);

  // Date of birth: the format is explained, in English.
  await page.getByRole('heading', { name: 'Confirm your date of birth' }).waitFor();
  await expectEnglish(page);
  await page.getByLabel('Date of birth (8 digits, YYYYMMDD)').fill('3 Feb 1981');
  await page.getByRole('button', { name: 'Next' }).click();
  expect(await page.getByRole('alert').innerText()).toContain('8 half-width digits');
  await expectEnglish(page);
  await page.getByLabel('Date of birth (8 digits, YYYYMMDD)').fill('19810203');
  await page.getByRole('button', { name: 'Next' }).click();

  // Terms of use: the union's own text stays as published.
  await page.getByRole('heading', { name: 'Terms of use' }).waitFor();
  await expectEnglish(page, [TERMS_TITLE, ...TERMS_BODY]);
  await page.getByRole('button', { name: 'I agree', exact: true }).click();

  // E-mail address: sent, not yet confirmed, confirmed on another device, then this browser goes on.
  await page.getByRole('heading', { name: 'Register your e-mail address' }).waitFor();
  await expectEnglish(page);
  await page.getByLabel('E-mail address').fill('taro.yamada@example.jp');
  await page.getByRole('button', { name: 'Send confirmation e-mail' }).click();
  await page.getByText('We sent a confirmation e-mail to taro.yamada@example.jp.').waitFor();
  await expectEnglish(page);
  await page.getByRole('link', { name: 'I have confirmed it — continue' }).click();
  await page.getByText('Your e-mail address has not been confirmed yet.').waitFor();
  await expectEnglish(page);

  const mail = await stack.mail.next('taro.yamada@example.jp');
  const phone = await browser.newContext({ locale: 'en-US' });
  const phonePage = await phone.newPage();
  await phonePage.goto(linkIn(mail, `${stack.unions.alpha.issuer}/email-verification/`));
  await phonePage.getByRole('heading', { name: 'Confirm your e-mail address' }).waitFor();
  await expectEnglish(phonePage);
  await phonePage.getByRole('button', { name: 'Confirm e-mail address' }).click();
  await phonePage.getByText('Your e-mail address is confirmed.').waitFor();
  await expectEnglish(phonePage);
  await phone.close();
  await page.getByRole('link', { name: 'I have confirmed it — continue' }).click();

  // User ID and the second step at login.
  await page.getByRole('heading', { name: 'Choose your user ID and login method' }).waitFor();
  await expectEnglish(page);
  await page.getByLabel('New user ID').fill('taro.yamada');
  await page.getByLabel('Authenticator app (one-time password)').check();
  await page.getByRole('button', { name: 'Next' }).click();

  // New password: the union's rule in English, and its errors.
  await page.getByRole('heading', { name: 'Set a new password' }).waitFor();
  expect(await page.locator('#password-hint').innerText()).toContain('half-width letters, digits and symbols');
  await page.getByLabel('New password', { exact: true }).fill('english-passw0rd');
  await page.getByLabel('New password (again)').fill('english-passw0rx');
  await page.getByRole('button', { name: 'Set password' }).click();
  expect(await page.getByRole('alert').innerText()).toBe('The two passwords do not match.');
  await expectEnglish(page);
  await page.getByLabel('New password', { exact: true }).fill('english-passw0rd');
  await page.getByLabel('New password (again)').fill('english-passw0rd');
  await page.getByRole('button', { name: 'Set password' }).click();

  // The authenticator app: a wrong code is explained, the right one registers it.
  await page.getByRole('heading', { name: 'Set up your login method' }).waitFor();
  await expectEnglish(page);
  await page.getByText('Cannot scan it?').click();
  const secret = (await page.locator('code.secret').innerText()).trim();
  await page.getByLabel('Device name').fill('My phone');
  await page.getByLabel('One-time password (6 digits)').fill(totpFor(secret, 10));
  await page.getByRole('button', { name: 'Register' }).click();
  expect(await page.getByRole('alert').innerText()).toBe('The one-time password is not correct.');
  await expectEnglish(page);
  await page.getByText('Cannot scan it?').click();
  await page.getByLabel('Device name').fill('My phone');
  await page.getByLabel('One-time password (6 digits)').fill(totpFor(secret));
  await page.getByRole('button', { name: 'Register' }).click();
  await page.waitForURL(portalHome());
  await context.close();

  // The next day: password, then the app's code.
  const daily = await browser.newContext({ locale: 'en-US' });
  const again = await daily.newPage();
  await again.goto(portalHome());
  await logIn(again, 'taro.yamada', 'english-passw0rd');
  await again.getByRole('heading', { name: 'Two-step verification' }).waitFor();
  await expectEnglish(again);
  await again.getByLabel('One-time password (6 digits)').fill(totpFor(secret, 1));
  await again.getByRole('button', { name: 'Log in' }).click();
  await again.waitForURL(portalHome());

  // Logging out at the IdP: the question, then the goodbye.
  await again.goto(`${stack.unions.alpha.issuer}/session/end`);
  await again.getByText('Do you want to log out?').waitFor();
  await expectEnglish(again);
  await again.getByRole('button', { name: 'Log out' }).click();
  await again.getByRole('heading', { name: 'You have logged out' }).waitFor();
  await expectEnglish(again);
  await daily.close();
});

test('ui_locales=en on the authorization request gives English to a browser asking for Japanese', async () => {
  await createMemberWithLogin(stack, 'alpha', { userId: 'ui-locales', password: 'ui-locales-pass-1', mfa: 'email_otp' });
  const { issuer, portal } = stack.unions.alpha;
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${issuer}/auth?${new URLSearchParams({
    client_id: portal.clientId, redirect_uri: `${stack.portalUrl}/u/alpha/callback`, response_type: 'code', scope: 'openid',
    code_challenge: 'x'.repeat(43), code_challenge_method: 'S256', ui_locales: 'en-GB ja',
  })}`);
  await page.getByRole('heading', { name: 'Log in' }).waitFor();
  await expectEnglish(page);
  // The whole sign-in follows the application's choice.
  await logIn(page, 'ui-locales', 'ui-locales-pass-1');
  await page.getByRole('heading', { name: 'Two-step verification' }).waitFor();
  await expectEnglish(page);
  await context.close();
});

test('the language switch on a Japanese page turns it English, and the browser keeps English afterwards', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(portalHome());
  await page.getByRole('heading', { name: 'ログイン' }).waitFor();
  expect(await page.locator('html').getAttribute('lang')).toBe('ja');
  expect(await axeViolations(page)).toEqual([]);
  await page.getByRole('navigation', { name: '表示言語' }).getByRole('link', { name: 'English' }).click();
  await page.getByRole('heading', { name: 'Log in' }).waitFor();
  expect(new URL(page.url()).searchParams.get('lang')).toBe('en');
  await expectEnglish(page);

  // A new login in the same browser: still English, though the browser asks for Japanese.
  await page.goto(portalHome());
  await page.getByRole('heading', { name: 'Log in' }).waitFor();
  expect(new URL(page.url()).searchParams.get('lang')).toBeNull();
  await expectEnglish(page);
  await context.close();
});
