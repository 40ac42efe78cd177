import type { Page } from 'playwright-core';
import type { MailCapture } from './smtp.js';

/** The IdP's login form: ユーザID, パスワード, optionally ログイン状態の保存. */
export async function submitLogin(page: Page, userId: string, password: string, remember = false): Promise<void> {
  await page.getByLabel('ユーザID').fill(userId);
  await page.getByLabel('パスワード', { exact: true }).fill(password);
  if (remember) await page.getByLabel('ログイン状態の保存').check();
  await page.getByRole('button', { name: 'ログイン' }).click();
}

/** Opens a page that needs a login (portal, console) and submits the password form it leads to. */
export async function loginAt(page: Page, url: string, userId: string, password: string): Promise<void> {
  await page.goto(url);
  await submitLogin(page, userId, password);
}

/** The e-mail OTP challenge, with the code read from the SMTP capture. */
export async function passEmailOtp(page: Page, mail: MailCapture, email: string): Promise<void> {
  await page.getByRole('heading', { name: '2段階認証' }).waitFor();
  const message = await mail.next(email, { subject: 'ワンタイムパスワードのお知らせ' });
  await page.getByLabel('ワンタイムパスワード（6桁）').fill(/ワンタイムパスワード: (\d{6})/.exec(message.text ?? '')![1]);
  await page.getByRole('button', { name: '実行' }).click();
}

/**
 * Waits until the page's alert says `text` (with `exact`, nothing else). After a form is posted the
 * old page and its alert stay until the new page loads: waiting for the expected words reads the
 * new page, never the old one.
 */
export async function expectAlert(page: Page, text: string, options: { exact?: boolean } = {}): Promise<void> {
  const alert = page.getByRole('alert').filter({ hasText: text }).first();
  await alert.waitFor();
  if (options.exact) expect((await alert.innerText()).trim()).toBe(text);
}

/**
 * Posts a recovery request form as a browser would: the cookie and CSRF token of the form's page
 * (`formUrl`, perhaps with `?lang=`), then the form to that page's path, `headers` on both requests.
 */
export async function postRecoveryForm(formUrl: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  const form = await fetch(formUrl, { headers });
  const cookie = form.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const csrf = /name="csrf" value="([^"]+)"/.exec(await form.text())![1];
  const target = new URL(formUrl);
  target.search = '';
  return fetch(target, {
    method: 'POST', redirect: 'manual',
    headers: { ...headers, cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf, ...fields }),
  });
}
