import crypto from 'node:crypto';
import type { Browser } from 'playwright-core';
import { addCredential } from '../../idp/mfa/credentials.js';
import { adminApi } from '../helpers/admin-api.js';
import { loginAt, passEmailOtp } from '../helpers/journeys.js';
import { createMemberWithLogin, type TestStack } from '../helpers/stack.js';
import { base32Encode, totpFor } from '../helpers/totp.js';
import { useStackAndBrowser } from '../helpers/e2e.js';

let stack: TestStack;
let browser: Browser;

useStackAndBrowser({}, (env) => ({ stack, browser } = env));

const portalHome = () => `${stack.portalUrl}/u/alpha/`;

test('lost phone: the admin lists factors and sessions, resets MFA, and the member sets up a new app at the next login', async () => {
  const { accountId, memberId } = await createMemberWithLogin(stack, 'alpha', { userId: 'lost-phone', password: 'lost-phone-pass', mfa: 'totp' });
  const oldSecret = base32Encode(crypto.randomBytes(20));
  await addCredential(stack.database.db, { accountId, type: 'totp', label: '古いスマホ', secret: stack.idp.registry.deps.box.seal(oldSecret) });
  const admin = await adminApi(stack.unions.alpha);

  const page = await browser.newPage();
  await loginAt(page, portalHome(), 'lost-phone', 'lost-phone-pass');
  await page.getByLabel('ワンタイムパスワード（6桁）').fill(totpFor(oldSecret));
  await page.getByRole('button', { name: 'ログイン' }).click();
  await page.waitForURL(`${stack.portalUrl}/u/alpha/`);

  const credentials = await admin.call('GET', `/accounts/${accountId}/credentials`);
  expect(credentials.body.credentials).toEqual([expect.objectContaining({ type: 'totp', label: '古いスマホ' })]);
  expect(JSON.stringify(credentials.body)).not.toContain(oldSecret);
  const sessions = await admin.call('GET', `/accounts/${accountId}/sessions`);
  expect(sessions.body.sessions).toEqual([expect.objectContaining({ acr: 'urn:kenpo-id:loa:mfa', amr: ['pwd', 'otp', 'mfa'] })]);

  expect((await admin.call('POST', `/accounts/${accountId}/mfa/reset`)).body).toEqual({ removedCredentials: 1 });
  expect((await admin.call('GET', `/accounts/${accountId}/sessions`)).body.sessions).toEqual([]);
  expect((await admin.call('PUT', `/members/${memberId}/name`, { nameKanji: '新名 太郎' })).status).toBe(200);

  // The IdP session is gone: a new login asks for the password, the factor left (the mailbox), then
  // the method again and its set-up.
  const next = await browser.newPage();
  await loginAt(next, portalHome(), 'lost-phone', 'lost-phone-pass');
  await passEmailOtp(next, stack.mail, 'lost-phone@example.jp');
  await next.getByRole('heading', { name: 'ユーザIDと認証方法の設定' }).waitFor();
  expect(await next.getByLabel('新しいユーザID').inputValue()).toBe('lost-phone');
  await next.getByLabel('OTPアプリ認証（認証アプリ）').check();
  await next.getByRole('button', { name: '次へ' }).click();
  await next.getByText('スキャンできませんか?').click();
  const newSecret = (await next.locator('code.secret').innerText()).trim();
  expect(newSecret).not.toBe(oldSecret);
  await next.getByLabel('デバイス名').fill('新しいスマホ');
  await next.getByLabel('ワンタイムパスワード（6桁）').fill(totpFor(newSecret));
  await next.getByRole('button', { name: '登録する' }).click();
  await next.waitForURL(`${stack.portalUrl}/u/alpha/`);
  expect(await next.locator('.member-name').innerText()).toBe('新名 太郎 様');

  const audit = await admin.call('GET', `/audit?target=${accountId}`);
  expect(audit.body.entries.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['admin.account.mfa.reset', 'admin.account.sessions.read']));
});

test('ending an account\'s sessions revokes its refresh tokens too', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'ended', password: 'ended-pass-123', mfa: 'email_otp' });
  await stack.database.db('oidc_models').insert([
    { union_slug: 'alpha', model: 'RefreshToken', id: 'rt-ended', payload: '{}', account_id: accountId, expires_at: Date.now() + 60_000 },
    { union_slug: 'beta', model: 'RefreshToken', id: 'rt-other-union', payload: '{}', account_id: accountId, expires_at: Date.now() + 60_000 },
  ]);
  const admin = await adminApi(stack.unions.alpha);
  expect((await admin.call('DELETE', `/accounts/${accountId}/sessions`)).status).toBe(204);
  expect(await stack.database.db('oidc_models').where({ id: 'rt-ended' }).first()).toBeUndefined();
  expect(await stack.database.db('oidc_models').where({ id: 'rt-other-union' }).first()).toBeDefined();
});
