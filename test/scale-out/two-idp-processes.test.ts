import crypto from 'node:crypto';
import { addCredential } from '../../idp/mfa/credentials.js';
import { verifyPassword } from '../../idp/accounts/password-hasher.js';
import { SecretBox } from '../../idp/security/encryption.js';
import { saveUnion } from '../../idp/unions/union-repository.js';
import { HttpAgent, SpreadAgent, textOf, type Page } from '../helpers/http-agent.js';
import { startProductionStack, type ProductionStack } from '../helpers/production-stack.js';
import { linkIn } from '../helpers/smtp.js';
import { createMemberWithLogin } from '../helpers/stack.js';
import { base32Encode, totpFor } from '../helpers/totp.js';

/**
 * Two IdP processes (dist/idp/main.js) on one PostgreSQL database behind a round-robin TCP proxy
 * behave as one IdP: a login may hop between them at every request, and what must happen once —
 * a lockout at its threshold, a throttle's budget, a one-time code, a mailed link — happens once
 * however concurrent requests are spread over both. PostgreSQL only (see README "Tests").
 */
let stack: ProductionStack;
let box: SecretBox;

beforeAll(async () => {
  stack = await startProductionStack({ idpProcesses: 2, postgres: true });
  box = new SecretBox(Buffer.from(stack.idp.env.DATA_ENCRYPTION_KEY, 'base64'));
}, 240_000);
afterAll(async () => { await stack?.close(); });

const db = () => stack.database.db;
const slug = () => stack.union.slug;
const processUrls = () => stack.idps.processes.map((p) => p.url);

/** Sends each IdP request straight to the other process than the last one, and remembers which served it. */
class AlternatingAgent extends HttpAgent {
  readonly served: number[] = [];

  override request(url: string, init: Parameters<HttpAgent['request']>[1] = {}): Promise<Page> {
    const target = new URL(url);
    if ([stack.idpUrl, ...processUrls()].includes(target.origin)) {
      const next = this.served.length % 2;
      this.served.push(next);
      const direct = new URL(processUrls()[next]);
      target.host = direct.host;
    }
    return super.request(target.href, init);
  }
}

/** Connections the proxy handed to each process while `work` ran. */
async function spreadOf<T>(work: () => Promise<T>): Promise<{ result: T; connections: number[] }> {
  const before = [...stack.idps.proxy!.connections];
  const result = await work();
  return { result, connections: stack.idps.proxy!.connections.map((n, i) => n - before[i]) };
}

const member = (userId: string, mfa?: 'email_otp' | 'totp', unionSlug = slug()) => createMemberWithLogin(
  { database: stack.database, unions: { [unionSlug]: { ...stack.union, slug: unionSlug } } } as never, unionSlug, { userId, password: `${userId}-pw-1`, mfa },
);

async function addTotp(accountId: string): Promise<{ secret: string; credentialId: string }> {
  const secret = base32Encode(crypto.randomBytes(20));
  const credentialId = await addCredential(db(), { accountId, type: 'totp', label: 'スマートフォン', secret: box.seal(secret) });
  return { secret, credentialId };
}

/** The IdP's login page of the union's account console (a first-party app), ready to be submitted. */
async function loginPage(agent: HttpAgent, unionSlug = slug()): Promise<Page> {
  return agent.follow(`${stack.idpUrl}/u/${unionSlug}/account/`);
}

const isRedirect = (page: Page) => page.status >= 300 && page.status < 400;

test('a login begun on one process finishes on the other, through the portal and a second factor', async () => {
  const { accountId } = await member('hopper', 'totp');
  const { secret, credentialId } = await addTotp(accountId);
  const agent = new AlternatingAgent();
  const login = await agent.follow(`${stack.portalUrl}/u/${slug()}/medical/`);
  expect(textOf(login.html)).toContain('ユーザID');
  const mfa = await agent.submit(login, /\/login$/, { loginId: 'hopper', password: 'hopper-pw-1' });
  expect(textOf(mfa.html)).toContain('2段階認証');
  const done = await agent.submit(mfa, /\/mfa\/code\/totp$/, { code: totpFor(secret), device: credentialId });
  expect(done.status).toBe(200);
  expect(done.url).toBe(`${stack.portalUrl}/u/${slug()}/medical/`);
  // Every IdP request went to the other process than the one before it.
  expect(agent.served.length).toBeGreaterThanOrEqual(6);
  expect(new Set(agent.served)).toEqual(new Set([0, 1]));
});

test('wrong passwords fired at once over both processes lock the account exactly at the threshold, with one notice', async () => {
  const { accountId } = await member('besieged');
  const attempts = 30;
  const pages = await Promise.all(Array.from({ length: attempts }, async () => {
    const agent = new SpreadAgent();
    return { agent, page: await loginPage(agent) };
  }));
  const { result: answers, connections } = await spreadOf(() => Promise.all(pages.map(({ agent, page }, i) =>
    agent.post(page, /\/login$/, { loginId: 'besieged', password: `wrong-${i}` }))));
  expect(connections.every((n) => n >= attempts / 2 - 1)).toBe(true);
  for (const answer of answers) expect(answer.status).toBe(401);
  const account = await db()('accounts').where({ id: accountId }).first();
  expect(account.failed_attempts).toBe(11);
  expect(account.locked_at).not.toBeNull();
  await stack.mail.next('besieged@example.jp', { subject: 'アカウントロックのお知らせ' });
  await new Promise((r) => setTimeout(r, 1000));
  const toVictim = (m: (typeof stack.mail.messages)[number]) => (Array.isArray(m.to) ? m.to : [m.to]).some((a) => a?.text.includes('besieged@example.jp'));
  expect(stack.mail.messages.filter((m) => m.subject === 'アカウントロックのお知らせ' && toVictim(m))).toHaveLength(1);
  const right = new SpreadAgent();
  expect((await right.post(await loginPage(right), /\/login$/, { loginId: 'besieged', password: 'besieged-pw-1' })).status).toBe(423);
});

test('the per-address login budget is counted across both processes: exactly its size gets through', async () => {
  const budget = 12;
  const throttled = { slug: 'throttled', name: 'スロットル健康保険組合', insurerNumber: '06139902' };
  // An hour's window: a test near a window boundary waits for the next one.
  const windowMs = 60 * 60_000;
  await saveUnion(db(), { ...throttled, settings: { mfa: { required: false }, loginThrottle: { freeFailures: 1000, perAddress: { max: budget, windowMs } } } });
  const left = windowMs - (Date.now() % windowMs);
  if (left < 30_000) await new Promise((r) => setTimeout(r, left + 100));
  const pages = await Promise.all(Array.from({ length: 20 }, async () => {
    const agent = new SpreadAgent();
    return { agent, page: await loginPage(agent, throttled.slug) };
  }));
  const { result: answers, connections } = await spreadOf(() => Promise.all(pages.map(({ agent, page }, i) =>
    agent.post(page, /\/login$/, { loginId: `sprayed-${i}`, password: 'Password1' }))));
  expect(connections.every((n) => n >= 9)).toBe(true);
  expect(answers.filter((a) => a.status === 401)).toHaveLength(budget);
  expect(answers.filter((a) => a.status === 429)).toHaveLength(20 - budget);
});

test('a mailed code sent to both processes at once is accepted exactly once', async () => {
  await member('mailed-code', 'email_otp');
  const agent = new SpreadAgent();
  const challenge = await agent.submit(await loginPage(agent), /\/login$/, { loginId: 'mailed-code', password: 'mailed-code-pw-1' });
  const mail = await stack.mail.next('mailed-code@example.jp', { subject: 'ワンタイムパスワードのお知らせ' });
  const code = /ワンタイムパスワード: (\d{6})/.exec(mail.text ?? '')![1];
  const { result: answers, connections } = await spreadOf(() => Promise.all(Array.from({ length: 6 }, () =>
    agent.tab().post(challenge, /\/mfa\/code\/email_otp$/, { code, action: 'verify' }))));
  expect(connections.every((n) => n >= 3)).toBe(true);
  expect(answers.filter(isRedirect)).toHaveLength(1);
});

test('one authenticator code replayed into logins on both processes at once opens exactly one', async () => {
  const { accountId } = await member('app-code', 'totp');
  const { secret, credentialId } = await addTotp(accountId);
  const challenges: { agent: SpreadAgent; page: Page }[] = [];
  for (let i = 0; i < 6; i += 1) {
    const agent = new SpreadAgent();
    challenges.push({ agent, page: await agent.submit(await loginPage(agent), /\/login$/, { loginId: 'app-code', password: 'app-code-pw-1' }) });
  }
  const code = totpFor(secret);
  const { result: answers } = await spreadOf(() => Promise.all(challenges.map(({ agent, page }) =>
    agent.post(page, /\/mfa\/code\/totp$/, { code, device: credentialId }))));
  expect(answers.filter(isRedirect)).toHaveLength(1);
});

test('a mailed reset link posted to both processes at once sets exactly one password', async () => {
  const { accountId } = await member('reset-race');
  const agent = new SpreadAgent();
  const request = await agent.follow(`${stack.idpUrl}/u/${slug()}/recovery/password`);
  await agent.submit(request, /\/recovery\/password$/, { userId: 'reset-race' });
  const link = linkIn(await stack.mail.next('reset-race@example.jp', { subject: 'パスワードのリセット' }), `${stack.union.issuer}/recovery/password/`);
  const form = await agent.follow(link);
  const passwords = Array.from({ length: 6 }, (_, i) => `Kx9-${crypto.randomBytes(6).toString('hex')}-${i}`);
  const { result: answers, connections } = await spreadOf(() => Promise.all(passwords.map((password) =>
    agent.tab().post(form, /^$/, { password, confirmation: password }))));
  expect(connections.every((n) => n >= 3)).toBe(true);
  const done = answers.map((a, i) => ({ a, i })).filter(({ a }) => a.status === 200 && textOf(a.html).includes('更新しました'));
  expect(done).toHaveLength(1);
  const { password_hash: hash } = await db()('accounts').where({ id: accountId }).first();
  expect(await verifyPassword(passwords[done[0].i], hash)).toBe(true);
});
