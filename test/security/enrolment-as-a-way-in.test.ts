import crypto from 'node:crypto';
import { addCredential } from '../../idp/mfa/credentials.js';
import { saveUnion } from '../../idp/unions/union-repository.js';
import { csrfOf, HttpAgent, interactionOf, passwordLogin, textOf, type Page } from '../helpers/http-agent.js';
import { linkIn } from '../helpers/smtp.js';
import { createMemberWithLogin, startStack, type TestStack, type TestUnion } from '../helpers/stack.js';
import { base32Encode, totpFor } from '../helpers/totp.js';

/**
 * The review's attack: with only the password (or only a stolen IdP session cookie), get a second
 * factor of one's own registered at login and walk through. Every variant must end at a challenge
 * of a factor the member already had; nothing can be registered and no relying party gets a code.
 */
let stack: TestStack;
beforeAll(async () => { stack = await startStack(); });
afterAll(async () => { await stack.close(); });

const PHISHING_RESISTANT = 'urn:kenpo-id:loa:phishing-resistant';
const db = () => stack.database.db;
const portalHome = () => `${stack.portalUrl}/u/alpha/`;

/** The IdP authorization URL the portal sends a browser to, with what an attacker appends. */
async function authorizeUrl(agent: HttpAgent, extra: Record<string, string> = {}): Promise<string> {
  let url = portalHome();
  for (let i = 0; i < 5; i += 1) {
    const response = await agent.request(url);
    url = new URL(response.headers.get('location')!, url).href;
    if (url.startsWith(stack.idpUrl) && url.includes('/auth?')) break;
  }
  const auth = new URL(url);
  for (const [k, v] of Object.entries(extra)) auth.searchParams.set(k, v);
  return auth.href;
}

/** What an attacker tries on a second-factor page: get registration options, post a set-up, defer. */
async function tryToEnrol(agent: HttpAgent, page: Page) {
  const base = interactionOf(page);
  const csrf = csrfOf(page);
  const options = await agent.request(`${base}/mfa/passkey/options`, { method: 'POST', headers: { 'x-csrf-token': csrf } });
  const totpSetUp = await agent.follow(`${base}/mfa/code/totp`, { form: { csrf, deviceName: 'attacker', code: '123456' } });
  const deferred = await agent.follow(`${base}/mfa/defer`, { form: { csrf } });
  return { options, totpSetUp, deferred };
}

async function expectNothingGained(accountId: string, attempts: Awaited<ReturnType<typeof tryToEnrol>>) {
  expect(attempts.options.status).toBe(409);
  expect(JSON.parse(attempts.options.html)).not.toHaveProperty('challenge');
  for (const page of [attempts.totpSetUp, attempts.deferred]) {
    expect(page.url).not.toContain('/callback');
    expect(page.url).toContain('/interaction/');
  }
  expect(await db()('credentials').where({ account_id: accountId })).toEqual([]);
}

const isSetUpPage = (page: Page) => /認証方法の設定|otpauth:|class="secret"|data-mode="register"/.test(page.html);

test('password + acr_values=phishing-resistant: the member\'s e-mail code is asked, nothing can be registered', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'pr-mail', password: 'pr-mail-pass-1', mfa: 'email_otp' });
  const attacker = new HttpAgent();
  const page = await passwordLogin(attacker, portalHome(), 'pr-mail', 'pr-mail-pass-1', await authorizeUrl(attacker, { acr_values: PHISHING_RESISTANT }));
  expect(isSetUpPage(page)).toBe(false);
  expect(textOf(page.html)).toContain('ワンタイムパスワードを送信しました');
  await expectNothingGained(accountId, await tryToEnrol(attacker, page));
});

test('password + acr_values=phishing-resistant on a member with an authenticator app: the app is asked first', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'pr-app', password: 'pr-app-pass-1', mfa: 'totp' });
  const secret = base32Encode(crypto.randomBytes(20));
  await addCredential(db(), { accountId, type: 'totp', label: 'スマホ', secret: stack.idp.registry.deps.box.seal(secret) });
  const attacker = new HttpAgent();
  const page = await passwordLogin(attacker, portalHome(), 'pr-app', 'pr-app-pass-1', await authorizeUrl(attacker, { acr_values: PHISHING_RESISTANT }));
  expect(isSetUpPage(page)).toBe(false);
  expect(textOf(page.html)).toContain('認証アプリに表示されている6桁のコード');
  const attempts = await tryToEnrol(attacker, page);
  expect(attempts.options.status).toBe(409);
  expect((await db()('credentials').where({ account_id: accountId })).map((c) => c.type)).toEqual(['totp']);

  // The member's own login: the app, then the passkey set-up is offered (not before).
  const member = new HttpAgent();
  const challenge = await passwordLogin(member, portalHome(), 'pr-app', 'pr-app-pass-1', await authorizeUrl(member, { acr_values: PHISHING_RESISTANT }));
  const setUp = await member.submit(challenge, /\/mfa\/code\/totp$/, { code: totpFor(secret, 1), device: (await db()('credentials').where({ account_id: accountId }).first()).id });
  expect(setUp.html).toContain('data-mode="register"');
});

test('a stolen IdP session cookie (the member stopped after the password): no set-up, no way past the challenge', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'cookie-victim', password: 'cookie-pass-1', mfa: 'totp' });
  const victim = new HttpAgent();
  await passwordLogin(victim, portalHome(), 'cookie-victim', 'cookie-pass-1');
  // The member's chosen app was never set up: a pending set-up, the case the review walked through.
  const thief = victim.clone();
  thief.cookies.delete('kenpo_portal');
  for (const extra of [{}, { acr_values: PHISHING_RESISTANT }] as Record<string, string>[]) {
    const page = await thief.follow(await authorizeUrl(thief, extra));
    expect(page.url).toContain('/interaction/');
    expect(isSetUpPage(page)).toBe(false);
    await expectNothingGained(accountId, await tryToEnrol(thief, page));
  }
});

test('deferred set-up (次回ログイン時に設定する): after the password no QR code or secret, and deferring needs the e-mail code first', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'defer-victim', password: 'defer-pass-1', mfa: 'totp' });
  const attacker = new HttpAgent();
  const page = await passwordLogin(attacker, portalHome(), 'defer-victim', 'defer-pass-1');
  expect(isSetUpPage(page)).toBe(false);
  expect(await db()('mfa_challenges').where({ account_id: accountId, kind: 'totp_setup' })).toEqual([]);
  await expectNothingGained(accountId, await tryToEnrol(attacker, page));
});

test('no usable factor left (admin reset, union without e-mail OTP): a set-up needs the link mailed to the verified address', async () => {
  const gamma = { slug: 'gamma', name: 'ガンマ健康保険組合', insurerNumber: '06130003' };
  await saveUnion(db(), { ...gamma, settings: { portalUrl: portalHome(), mfa: { required: true, allowed: ['passkey', 'totp'], recommended: 'totp', recoveryCodes: true } } });
  stack.unions.gamma = { ...gamma, issuer: stack.idp.registry.issuerUrl('gamma') } as TestUnion;
  await createMemberWithLogin(stack, 'gamma', { userId: 'reset-member', password: 'reset-pass-1', mfa: 'totp' });
  const issuer = stack.unions.gamma.issuer;
  const console = `${issuer}/account/`;

  const attacker = new HttpAgent();
  const page = await passwordLogin(attacker, console, 'reset-member', 'reset-pass-1');
  expect(isSetUpPage(page)).toBe(false);
  expect(textOf(page.html)).toContain('認証方法を設定するためのURLを送信しました');
  const mail = await stack.mail.next('reset-member@example.jp', { subject: '認証方法の再設定のご案内' });
  await expectNothingGained((await db()('accounts').where({ user_id: 'reset-member', union_slug: 'gamma' }).first()).id, await tryToEnrol(attacker, page));

  // The member opens the mailed link (GET shows a button, POST proves the mailbox), then continues.
  const link = linkIn(mail, `${issuer}/setup-link/`);
  const mailbox = new HttpAgent();
  const confirm = await mailbox.follow(link);
  expect(textOf(confirm.html)).toContain('メールアドレスを確認する');
  expect(textOf((await mailbox.submit(confirm, /^$/)).html)).toContain('メールアドレスを確認しました');
  const setUp = await attacker.follow(interactionOf(page));
  expect(setUp.html).toContain('class="secret"');
  // The link proves the mailbox to the login that asked for it, and to no other.
  const other = new HttpAgent();
  expect(isSetUpPage(await passwordLogin(other, console, 'reset-member', 'reset-pass-1'))).toBe(false);
});
