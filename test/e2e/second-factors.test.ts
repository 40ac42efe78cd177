import crypto from 'node:crypto';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { registerClient, webAppClient, type RegisteredClient } from '../../idp/oidc/client-registry.js';
import { addCredential, DuplicateCredentialError } from '../../idp/mfa/credentials.js';
import { addVirtualAuthenticator } from '../helpers/browser.js';
import { loginAt, passEmailOtp } from '../helpers/journeys.js';
import { createMemberWithLogin, type TestStack } from '../helpers/stack.js';
import { base32Encode, totpFor } from '../helpers/totp.js';
import { useStackAndBrowser } from '../helpers/e2e.js';
import { axeViolations } from '../helpers/i18n-checks.js';

const REDIRECT = 'http://localhost:9/cb';
let stack: TestStack;
let browser: Browser;
let app: RegisteredClient;

useStackAndBrowser({ host: 'localhost' }, async (env) => {
  ({ stack, browser } = env);
  app = await registerClient(stack.idp.registry, 'alpha', webAppClient({ name: 'acr test app', redirectUris: [REDIRECT], postLogoutRedirectUris: [] }));
});

const alertText = (page: Page) => page.getByRole('alert').first().innerText();
const portalHome = () => `${stack.portalUrl}/u/alpha/`;

/** An authenticator app's device, stored as the IdP would after set-up, with a secret the test knows. */
async function addTotpDevice(accountId: string, label: string) {
  const secret = base32Encode(crypto.randomBytes(20));
  await addCredential(stack.database.db, { accountId, type: 'totp', label, secret: stack.idp.registry.deps.box.seal(secret) });
  return secret;
}

async function enterTotp(page: Page, code: string, device?: string) {
  if (device) await page.getByLabel('デバイス').selectOption({ label: device });
  await page.getByLabel('ワンタイムパスワード（6桁）').fill(code);
  await page.getByRole('button', { name: 'ログイン' }).click();
}

test('次回ログイン時に設定する: the e-mail code comes first, then the chosen app may wait for the next login', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'later-user', password: 'later-pass-123', mfa: 'totp' });
  const page = await browser.newPage();
  await loginAt(page, portalHome(), 'later-user', 'later-pass-123');
  // No QR code or secret after the password alone: the factor the member has (the mailbox) first.
  expect(await page.locator('.qr svg').count()).toBe(0);
  await passEmailOtp(page, stack.mail, 'later-user@example.jp');
  await page.getByRole('heading', { name: '認証方法の設定' }).waitFor();
  expect(await axeViolations(page)).toEqual([]);
  await page.getByRole('button', { name: '次回ログイン時に設定する' }).click();
  await page.waitForURL(portalHome());
  expect(await stack.database.db('credentials').where({ account_id: accountId })).toEqual([]);
  await page.close();

  // The next login asks for the code, then the set-up again.
  const next = await (await browser.newContext()).newPage();
  await loginAt(next, portalHome(), 'later-user', 'later-pass-123');
  await passEmailOtp(next, stack.mail, 'later-user@example.jp');
  await next.getByRole('heading', { name: '認証方法の設定' }).waitFor();
  expect(await next.locator('.qr svg').count()).toBe(1);
  await next.context().close();
});

test('authenticator app: set up at the next login, then one of several devices chosen by name; a code works once', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'totp-user', password: 'totp-pass-123', mfa: 'totp' });
  const page = await browser.newPage();
  await loginAt(page, portalHome(), 'totp-user', 'totp-pass-123');
  await passEmailOtp(page, stack.mail, 'totp-user@example.jp');

  // Set-up: QR code of the otpauth:// URI, the Base32 key behind "スキャンできませんか?", a required device name.
  await page.getByRole('heading', { name: '認証方法の設定' }).waitFor();
  expect(await page.locator('.qr svg').count()).toBe(1);
  await page.getByText('スキャンできませんか?').click();
  const secretA = (await page.locator('code.secret').innerText()).trim();
  expect(secretA).toMatch(/^[A-Z2-7]{16,}$/);
  await page.getByLabel('ワンタイムパスワード（6桁）').fill(totpFor(secretA));
  await page.getByRole('button', { name: '登録する' }).click();
  expect(await alertText(page)).toContain('デバイス名');
  await page.getByLabel('デバイス名').fill('スマホA');
  await page.getByLabel('ワンタイムパスワード（6桁）').fill('000000' === totpFor(secretA) ? '111111' : '000000');
  await page.getByRole('button', { name: '登録する' }).click();
  expect(await alertText(page)).toBe('ワンタイムパスワードが正しくありません。');
  await page.getByLabel('デバイス名').fill('スマホA');
  await page.getByLabel('ワンタイムパスワード（6桁）').fill(totpFor(secretA));
  await page.getByRole('button', { name: '登録する' }).click();
  await page.waitForURL(portalHome());
  const stored = await stack.database.db('credentials').where({ account_id: accountId, type: 'totp' }).first();
  expect(stored.secret).not.toContain(secretA); // sealed at rest
  await page.close();

  // A second device; the login screen lets the member pick it by name.
  const secretB = await addTotpDevice(accountId, 'タブレットB');
  const context: BrowserContext = await browser.newContext();
  const second = await context.newPage();
  await loginAt(second, portalHome(), 'totp-user', 'totp-pass-123');
  expect(await second.getByLabel('デバイス').locator('option').allInnerTexts()).toEqual(['スマホA', 'タブレットB']);
  await enterTotp(second, totpFor(secretA), 'タブレットB');
  expect(await alertText(second)).toBe('ワンタイムパスワードが正しくありません。');
  const codeB = totpFor(secretB);
  await enterTotp(second, codeB, 'タブレットB');
  await second.waitForURL(portalHome());
  await context.close();

  // The same code again (same time step) is refused.
  const replay = await browser.newPage();
  await loginAt(replay, portalHome(), 'totp-user', 'totp-pass-123');
  await enterTotp(replay, codeB, 'タブレットB');
  expect(await alertText(replay)).toBe('ワンタイムパスワードが正しくありません。');
  await replay.close();
});

test('e-mail OTP: a mailed code from no-reply@, resend invalidates the old code without forgiving failures', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'mail-otp-user', password: 'mail-pass-123', mfa: 'email_otp' });
  const page = await browser.newPage();
  await loginAt(page, portalHome(), 'mail-otp-user', 'mail-pass-123');
  const first = await stack.mail.next('mail-otp-user@example.jp', { subject: 'ワンタイムパスワードのお知らせ' });
  expect(first.from?.value[0].address).toBe('no-reply@example.jp');
  const firstCode = /ワンタイムパスワード: (\d{6})/.exec(first.text!)![1];
  expect(first.html).toContain(firstCode);

  await page.getByLabel('ワンタイムパスワード（6桁）').fill(firstCode === '123456' ? '654321' : '123456');
  await page.getByRole('button', { name: '実行' }).click();
  expect(await alertText(page)).toBe('ワンタイムパスワードが正しくありません。');
  expect(await axeViolations(page)).toEqual([]);

  await stack.database.db('mfa_challenges').where({ account_id: accountId }).update({ created_at: Date.now() - 60_000 });
  await page.getByRole('button', { name: '再送信' }).click();
  await page.getByText('新しいワンタイムパスワードを送信しました').waitFor();
  expect((await stack.database.db('accounts').where({ id: accountId }).first()).mfa_failed_attempts).toBe(1);
  const second = await stack.mail.next('mail-otp-user@example.jp', { subject: 'ワンタイムパスワードのお知らせ' });
  const secondCode = /ワンタイムパスワード: (\d{6})/.exec(second.text!)![1];

  if (firstCode !== secondCode) {
    await page.getByLabel('ワンタイムパスワード（6桁）').fill(firstCode);
    await page.getByRole('button', { name: '実行' }).click();
    expect(await alertText(page)).toBe('ワンタイムパスワードが正しくありません。');
  }
  await page.getByLabel('ワンタイムパスワード（6桁）').fill(secondCode);
  await page.getByRole('button', { name: '実行' }).click();
  await page.waitForURL(portalHome());
  expect((await stack.database.db('accounts').where({ id: accountId }).first()).mfa_failed_attempts).toBe(0);
  await page.close();
});

test('wrong codes have their own count: the union\'s second-factor threshold (10) locks the account', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'code-guesser', password: 'guess-pass-123', mfa: 'totp' });
  const secret = await addTotpDevice(accountId, 'スマホ');
  const page = await browser.newPage();
  await loginAt(page, portalHome(), 'code-guesser', 'guess-pass-123');
  const wrong = (i: number) => { const c = String(i).padStart(6, '0'); return c === totpFor(secret) || c === totpFor(secret, -1) || c === totpFor(secret, 1) ? '999999' : c; };
  for (let i = 1; i <= 9; i += 1) {
    await enterTotp(page, wrong(i));
    expect(await alertText(page)).toBe('ワンタイムパスワードが正しくありません。');
  }
  await enterTotp(page, wrong(10));
  expect(await alertText(page)).toContain('アカウントがロックされています');
  const locked = await stack.database.db('accounts').where({ id: accountId }).first();
  expect(locked).toMatchObject({ mfa_failed_attempts: 10, failed_attempts: 11, locked_at: expect.anything() });
  await page.close();
});

test('a credential id can belong to one account only', async () => {
  const a = await createMemberWithLogin(stack, 'alpha', { userId: 'owner-a', password: 'owner-pass-1' });
  const b = await createMemberWithLogin(stack, 'beta', { userId: 'owner-b', password: 'owner-pass-1' });
  await addCredential(stack.database.db, { accountId: a.accountId, type: 'passkey', label: 'key', externalId: 'same-credential-id' });
  await expect(addCredential(stack.database.db, { accountId: b.accountId, type: 'passkey', label: 'key', externalId: 'same-credential-id' }))
    .rejects.toBeInstanceOf(DuplicateCredentialError);
});

/** Authorization request of a test app; resolves with the ID token's payload after the code exchange. */
async function authorizeAndVerify(page: Page, acrValues: string | undefined, act: () => Promise<void>) {
  const verifier = crypto.randomBytes(32).toString('base64url');
  const { issuer } = stack.unions.alpha;
  const params = new URLSearchParams({
    client_id: app.clientId, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', nonce: 'n',
    code_challenge: crypto.createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
    ...(acrValues ? { acr_values: acrValues } : {}),
  });
  const redirected = page.waitForRequest((r) => r.url().startsWith(REDIRECT), { timeout: 30_000 });
  await page.goto(`${issuer}/auth?${params}`).catch(() => undefined);
  await act();
  const code = new URL((await redirected).url()).searchParams.get('code')!;
  const response = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }),
  });
  const tokens = await response.json() as { id_token: string };
  const jwks = createLocalJWKSet(await (await fetch(`${issuer}/jwks`)).json() as JSONWebKeySet);
  return (await jwtVerify(tokens.id_token, jwks, { issuer, audience: app.clientId })).payload;
}

test('acr and amr tell how the member logged in; a relying party asking for phishing resistance gets a passkey step-up', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'step-up', password: 'step-up-pass-1', mfa: 'totp' });
  const secret = await addTotpDevice(accountId, 'スマホ');
  const context = await browser.newContext();
  const page = await context.newPage();
  await addVirtualAuthenticator(context, page);

  const mfa = await authorizeAndVerify(page, undefined, async () => {
    await page.getByLabel('ユーザID').fill('step-up');
    await page.getByLabel('パスワード').fill('step-up-pass-1');
    await page.getByRole('button', { name: 'ログイン' }).click();
    await enterTotp(page, totpFor(secret));
  });
  expect(mfa).toMatchObject({ acr: 'urn:kenpo-id:loa:mfa', amr: ['pwd', 'otp', 'mfa'] });

  // Same session, stronger requirement, no passkey yet: the app again (this login's proof), then the
  // registration (user verification on), then one assertion with the new passkey.
  const stepUp = await authorizeAndVerify(page, 'urn:kenpo-id:loa:phishing-resistant', async () => {
    await page.getByRole('heading', { name: '2段階認証' }).waitFor();
    expect(await page.getByRole('heading', { name: '認証方法の設定' }).count()).toBe(0);
    await enterTotp(page, totpFor(secret, 1));
    await page.getByRole('heading', { name: '認証方法の設定' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.getByLabel('パスキーの名前（例：iPhone、仕事用PC）').fill('テスト端末');
    await page.getByRole('button', { name: 'パスキーを登録する' }).click();
    await page.getByRole('button', { name: 'パスキーでログイン' }).click();
  });
  expect(stepUp).toMatchObject({ acr: 'urn:kenpo-id:loa:phishing-resistant', amr: ['pwd', 'hwk', 'user', 'mfa'] });
  const passkey = await stack.database.db('credentials').where({ account_id: accountId, type: 'passkey' }).first();
  expect(passkey).toMatchObject({ label: 'テスト端末', external_id: expect.any(String) });

  // A new login asking for phishing resistance: password, then the passkey (the authenticator signs the challenge).
  await context.clearCookies();
  const again = await authorizeAndVerify(page, 'urn:kenpo-id:loa:phishing-resistant', async () => {
    await page.getByLabel('ユーザID').fill('step-up');
    await page.getByLabel('パスワード').fill('step-up-pass-1');
    await page.getByRole('button', { name: 'ログイン' }).click();
    await page.getByRole('button', { name: 'パスキーでログイン' }).click();
  });
  expect(again).toMatchObject({ acr: 'urn:kenpo-id:loa:phishing-resistant' });
  const used = await stack.database.db('credentials').where({ id: passkey.id }).first();
  expect(used.last_used_at).toEqual(expect.any(Number));
  await context.close();
});

test('discovery lists the acr values', async () => {
  const discovery = await (await fetch(`${stack.unions.alpha.issuer}/.well-known/openid-configuration`)).json();
  expect(discovery.acr_values_supported).toEqual(['urn:kenpo-id:loa:password', 'urn:kenpo-id:loa:mfa', 'urn:kenpo-id:loa:phishing-resistant']);
});

test('account console: a passkey is added with the device\'s authenticator, listed by name, then deleted after 削除する', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'console-passkey', password: 'console-pass-1', mfa: 'totp' });
  const secret = await addTotpDevice(accountId, 'スマホ');
  const context = await browser.newContext();
  const page = await context.newPage();
  await addVirtualAuthenticator(context, page);
  await loginAt(page, `${stack.unions.alpha.issuer}/account/security`, 'console-passkey', 'console-pass-1');
  await enterTotp(page, totpFor(secret));
  await page.getByRole('heading', { name: 'ログイン方法変更' }).waitFor();

  await page.getByRole('link', { name: '生体認証（パスキー）を設定' }).click();
  await page.getByLabel('パスキーの名前（例：iPhone、仕事用PC）').fill('仕事用PC');
  await page.getByRole('button', { name: 'パスキーを登録する' }).click();
  await page.getByText('パスキーを登録しました。').waitFor();
  expect(await page.locator('#passkeys').innerText()).toContain('仕事用PC');
  const added = await stack.mail.next('console-passkey@example.jp', { subject: '認証方法追加のお知らせ' });
  expect(added.text).toContain('仕事用PC');

  // The passkey now signs a login that asks for phishing resistance.
  const passkey = await stack.database.db('credentials').where({ account_id: accountId, type: 'passkey' }).first();
  expect(passkey).toMatchObject({ label: '仕事用PC', external_id: expect.any(String) });

  await page.getByRole('link', { name: '仕事用PCを削除' }).click();
  await page.getByRole('heading', { name: '認証方法の削除' }).waitFor();
  await page.getByRole('button', { name: '削除する' }).click();
  await page.getByText('認証方法を削除しました。').waitFor();
  expect(await page.locator('#passkeys').innerText()).toContain('登録されていません。');
  await stack.mail.next('console-passkey@example.jp', { subject: '認証方法削除のお知らせ' });
  await context.close();
});
