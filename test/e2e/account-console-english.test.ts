import fs from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { loginAt, passEmailOtp } from '../helpers/journeys.js';
import { axeViolations, japaneseOnPage } from '../helpers/i18n-checks.js';
import { linkIn } from '../helpers/smtp.js';
import { createMemberWithLogin, TEST_UNIONS, type TestStack } from '../helpers/stack.js';
import { totpFor } from '../helpers/totp.js';
import { useStackAndBrowser } from '../helpers/e2e.js';
import { ageAuthentication } from '../helpers/console.js';

let stack: TestStack;
let browser: Browser;

useStackAndBrowser({}, (env) => ({ stack, browser } = env));

const UNION = TEST_UNIONS.alpha.name;
const MEMBER = '試験 花子';
const db = () => stack.database.db;
const consoleUrl = (path = '/') => `${stack.idpUrl}/u/alpha/account${path}`;
const recoveryUrl = (path: string) => `${stack.unions.alpha.issuer}/recovery/${path}`;
/** axe-core is injected as a script of the test's own: the pages' CSP (script-src 'self') would refuse it. */
const newPage = (locale?: string) => browser.newPage(locale ? { locale } : {});

/** The page is in `lang` by its <html lang>, has no accessibility violations and, in English, no Japanese but data. */
async function expectReadable(page: Page, lang: 'ja' | 'en', where: string) {
  expect([where, await page.locator('html').getAttribute('lang')]).toEqual([where, lang]);
  if (lang === 'en') expect([where, await japaneseOnPage(page, [UNION, MEMBER])]).toEqual([where, []]);
  expect([where, await axeViolations(page)]).toEqual([where, []]);
}

/** The mailed code of a second-factor prompt, whatever the prompt's and the mail's language. */
async function passMailedCode(page: Page, email: string) {
  await page.locator('#code').waitFor();
  const message = await stack.mail.next(email);
  await page.locator('#code').fill(/\b(\d{6})\b/.exec(message.text ?? '')![1]);
  await page.locator('button[name="action"][value="verify"]').click();
}

/** The next mail to `email` with a link under `prefix` (notices in between are passed over), whatever its language. */
async function mailedLink(email: string, prefix: string): Promise<string> {
  for (;;) {
    const mail = await stack.mail.next(email);
    if ((mail.text ?? '').includes(prefix)) return linkIn(mail, prefix);
  }
}

test('a member who chooses English in プロフィール変更 gets every console page in English, re-authentication included', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'english-member', password: 'english-pass-1', mfa: 'email_otp' });
  const page = await newPage();
  await loginAt(page, consoleUrl('/'), 'english-member', 'english-pass-1');
  await passEmailOtp(page, stack.mail, 'english-member@example.jp');
  await page.getByRole('heading', { name: 'アカウント管理' }).waitFor();
  await expectReadable(page, 'ja', 'home in Japanese');

  await page.getByRole('link', { name: 'プロフィール変更' }).first().click();
  await expectReadable(page, 'ja', 'profile in Japanese');
  await page.getByLabel('言語', { exact: true }).selectOption('en');
  await page.getByRole('button', { name: '変更' }).click();
  // The very next page is English: the setting applies at once, on a Japanese browser.
  await page.getByText('Your profile has been updated.').waitFor();
  await page.getByRole('heading', { name: 'Profile' }).waitFor();
  expect((await db()('accounts').where({ id: accountId }).first('language')).language).toBe('en');
  await expectReadable(page, 'en', 'profile');

  await page.getByRole('link', { name: 'Account settings' }).first().click();
  await page.getByRole('heading', { name: 'Account settings' }).waitFor();
  await expectReadable(page, 'en', 'home');
  await expect(page.getByRole('link', { name: 'Log out' }).count()).resolves.toBeGreaterThan(0);

  await page.getByRole('link', { name: 'Signed-in sessions' }).click();
  await page.getByRole('heading', { name: 'Signed-in sessions' }).waitFor();
  expect(await page.locator('#sessions').innerText()).toContain('Password + code by e-mail');
  await expectReadable(page, 'en', 'sessions');

  await page.getByRole('link', { name: 'Login methods' }).first().click();
  await page.getByRole('heading', { name: 'Login methods' }).waitFor();
  expect(await page.locator('#password-created').innerText()).toMatch(/^\d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d JST$/);
  await expectReadable(page, 'en', 'login methods');

  // Password change: the re-authentication speaks the member's language too (ui_locales from the console).
  await ageAuthentication(db(), 'alpha', accountId, 3600);
  await page.getByRole('link', { name: 'Update password' }).click();
  await page.locator('#loginId').waitFor();
  expect(await page.locator('html').getAttribute('lang')).toBe('en');
  expect(await page.locator('#loginId').inputValue()).toBe('english-member');
  await page.locator('#password').fill('english-pass-1');
  await page.locator('form:has(#loginId) button[type="submit"]').click();
  await passMailedCode(page, 'english-member@example.jp');
  await page.getByRole('heading', { name: 'Update password' }).waitFor();
  await expectReadable(page, 'en', 'password form');
  await page.getByLabel('Password', { exact: true }).fill('english-member');
  await page.getByLabel('Password (again)').fill('english-member');
  await page.getByRole('button', { name: 'Submit' }).click();
  await page.getByText('The password cannot be the same as your user ID.').waitFor();
  await expectReadable(page, 'en', 'password form with an error');
  await page.getByLabel('Password', { exact: true }).fill('new-english-pass-2');
  await page.getByLabel('Password (again)').fill('new-english-pass-2');
  await page.getByRole('button', { name: 'Submit' }).click();
  await page.getByText('Your password has been updated.').waitFor();
  await expectReadable(page, 'en', 'login methods after the change');

  await page.getByRole('link', { name: 'Set up an authenticator app' }).click();
  await page.getByRole('heading', { name: 'Set up an authenticator app' }).waitFor();
  await expectReadable(page, 'en', 'authenticator app set-up');
  await page.getByText('Cannot scan it?').click();
  const secret = (await page.locator('code.secret').innerText()).trim();
  await page.getByLabel('One-time password (6 digits)').fill(totpFor(secret));
  await page.getByLabel('Device name').fill('My phone');
  await page.getByRole('button', { name: 'Register' }).click();
  await page.getByText('The authenticator app has been registered.').waitFor();
  await expectReadable(page, 'en', 'login methods with an app');

  await page.getByRole('link', { name: 'Delete My phone' }).click();
  await page.getByRole('heading', { name: 'Delete a login method' }).waitFor();
  await expectReadable(page, 'en', 'delete a login method');
  await page.getByRole('link', { name: 'Back', exact: true }).click();

  await page.getByRole('link', { name: 'Generate', exact: true }).click();
  await page.getByRole('heading', { name: 'Generate recovery codes' }).waitFor();
  await expectReadable(page, 'en', 'recovery codes');
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await page.getByRole('heading', { name: 'Recovery codes' }).waitFor();
  await expectReadable(page, 'en', 'recovery codes issued');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download as a text file' }).click()]);
  const file = await fs.readFile((await download.path())!, 'utf8');
  expect(file).toContain(`${UNION} web service recovery codes`);
  expect(file.replace(UNION, '')).not.toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
  await page.close();
});

test('forgotten password and user ID in English (browser language), the invalid link page included', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'english-recovery', password: 'english-pass-1', mfa: 'email_otp' });
  const page = await newPage('en-US');
  const email = 'english-recovery@example.jp';

  await page.goto(recoveryUrl('password'));
  await page.getByRole('heading', { name: 'Forgot your password?' }).waitFor();
  await expectReadable(page, 'en', 'password request');
  await page.getByRole('button', { name: 'Submit' }).click();
  await page.getByText('Please enter a user ID.').waitFor();
  await expectReadable(page, 'en', 'password request with an error');
  await page.getByLabel('User ID').fill('english-recovery');
  await page.getByRole('button', { name: 'Submit' }).click();
  await page.getByText('Please check your e-mail now for the detailed steps.').waitFor();
  await expectReadable(page, 'en', 'password requested');

  const resetLink = await mailedLink(email, recoveryUrl('password/'));
  await page.goto(resetLink);
  await page.getByLabel('New password', { exact: true }).waitFor();
  await expectReadable(page, 'en', 'password reset');
  await page.getByLabel('New password', { exact: true }).fill('reset-english-3');
  await page.getByLabel('New password (again)').fill('reset-english-3');
  await page.getByRole('button', { name: 'Submit' }).click();
  await page.getByText('Your password has been updated.').waitFor();
  await expectReadable(page, 'en', 'password reset done');

  await page.goto(resetLink);
  await page.getByText('Link not valid: This link has already been used (each link works once).').waitFor();
  await expectReadable(page, 'en', 'invalid link');

  await page.goto(recoveryUrl('user-id'));
  await page.getByRole('heading', { name: 'Forgot your user ID?' }).waitFor();
  await expectReadable(page, 'en', 'user ID request');
  await page.getByLabel('Date of birth (8 half-width digits, YYYYMMDD)').fill('1979/08/22');
  await page.getByLabel('Your registered e-mail address').fill(email);
  await page.getByRole('button', { name: 'Submit' }).click();
  await page.getByText('Please enter your date of birth as 8 half-width digits (example: 19790822).').waitFor();
  await expectReadable(page, 'en', 'user ID request with an error');
  await page.getByLabel('Date of birth (8 half-width digits, YYYYMMDD)').fill('19790822');
  await page.getByRole('button', { name: 'Submit' }).click();
  await page.getByText('we have sent your user ID to this e-mail address.').waitFor();
  await expectReadable(page, 'en', 'user ID requested');

  await page.goto(await mailedLink(email, recoveryUrl('user-id/')));
  await page.getByRole('heading', { name: 'Your user ID' }).waitFor();
  await expectReadable(page, 'en', 'user ID link');
  await page.getByRole('button', { name: 'Show my user ID' }).click();
  expect(await page.locator('#user-id').innerText()).toBe('english-recovery');
  await expectReadable(page, 'en', 'user ID shown');
  await page.getByRole('button', { name: 'Reset password' }).click();
  await page.getByText('a temporary password has been sent to your registered e-mail address.').waitFor();
  await expectReadable(page, 'en', 'temporary password sent');
  expect((await db()('accounts').where({ id: accountId }).first('must_change_password')).must_change_password).toBeTruthy();
  await page.close();
});

test('the console and recovery pages pass axe in Japanese too', async () => {
  await createMemberWithLogin(stack, 'alpha', { userId: 'axe-member', password: 'axe-pass-123', mfa: 'email_otp' });
  const page = await newPage();
  await loginAt(page, consoleUrl('/'), 'axe-member', 'axe-pass-123');
  await passEmailOtp(page, stack.mail, 'axe-member@example.jp');
  await page.getByRole('heading', { name: 'アカウント管理' }).waitFor();
  for (const path of ['/', '/profile', '/security', '/sessions', '/password', '/totp', '/recovery-codes', '/email']) {
    await page.goto(consoleUrl(path));
    await expectReadable(page, 'ja', path);
  }
  for (const path of ['password', 'user-id', 'password/not-a-token']) {
    await page.goto(recoveryUrl(path));
    await expectReadable(page, 'ja', path);
  }
  await page.close();
});
