import { saveUnion } from '../../idp/unions/union-repository.js';
import { HttpAgent, passwordLogin, textOf, type Page } from '../helpers/http-agent.js';
import { createMemberWithLogin, startStack, type TestStack, type TestUnion } from '../helpers/stack.js';

/**
 * The review's attack: guess e-mail codes, and whenever the lockout comes near, enter the (stolen)
 * password again to reset the count. Second-factor failures must have their own count that a
 * password never clears, and the limiter must say what it is (429, how long to wait).
 */
let stack: TestStack;
beforeAll(async () => { stack = await startStack(); });
afterAll(async () => { await stack.close(); });

const db = () => stack.database.db;
const portalHome = () => `${stack.portalUrl}/u/alpha/`;
const account = (userId: string) => db()('accounts').where({ user_id: userId }).first();

/** A wrong code: the mailed one is never read (the attacker does not have the mailbox). */
const guess = (agent: HttpAgent, page: Page, n: number) => agent.submit(page, /\/mfa\/(code\/)?email[-_]otp$/, { code: String(100000 + n), action: 'verify' });

test('a correct password does not clear second-factor failures; the union\'s threshold locks the account', async () => {
  await createMemberWithLogin(stack, 'alpha', { userId: 'code-victim', password: 'code-victim-pass', mfa: 'email_otp' });
  const attacker = new HttpAgent();
  let page = await passwordLogin(attacker, portalHome(), 'code-victim', 'code-victim-pass');
  for (let i = 0; i < 6; i += 1) {
    page = await guess(attacker, page, i);
    expect(page.status).toBe(400);
  }
  // The password again, in a new login: the count stays.
  const again = new HttpAgent();
  page = await passwordLogin(again, portalHome(), 'code-victim', 'code-victim-pass');
  expect((await account('code-victim')).mfa_failed_attempts).toBe(6);
  for (let i = 6; i < 9; i += 1) page = await guess(again, page, i);
  page = await guess(again, page, 9);
  expect(page.status).toBe(403);
  expect(textOf(page.html)).toContain('アカウントがロックされています');
  const locked = await account('code-victim');
  expect(locked.mfa_failed_attempts).toBe(10);
  expect(locked.locked_at).not.toBeNull();

  // Locked like a password lockout: the right password no longer opens a login.
  const later = await passwordLogin(new HttpAgent(), portalHome(), 'code-victim', 'code-victim-pass');
  expect(later.url).not.toContain('/callback');
  expect(textOf(later.html)).not.toContain('ワンタイムパスワードを送信しました');
});

test('the code limiter answers 429 with Retry-After and the wait in Japanese', async () => {
  // A union that allows the most failures NIST permits (100), so the limiter (15 per 5 minutes) speaks first.
  const delta = { slug: 'delta', name: 'デルタ健康保険組合', insurerNumber: '06130004' };
  await saveUnion(db(), { ...delta, settings: { portalUrl: portalHome(), mfaLockoutThreshold: 100 } });
  stack.unions.delta = { ...delta, issuer: stack.idp.registry.issuerUrl('delta') } as TestUnion;
  await createMemberWithLogin(stack, 'delta', { userId: 'limited', password: 'limited-pass-1', mfa: 'email_otp' });
  // The limiter counts in fixed 5-minute windows: start well inside one.
  const left = 5 * 60_000 - (Date.now() % (5 * 60_000));
  if (left < 15_000) await new Promise((resolve) => setTimeout(resolve, left + 100));
  const attacker = new HttpAgent();
  let page = await passwordLogin(attacker, `${stack.unions.delta.issuer}/account/`, 'limited', 'limited-pass-1');
  for (let i = 0; i < 15; i += 1) {
    page = await guess(attacker, page, i);
    expect(page.status).toBe(400);
  }
  page = await guess(attacker, page, 15);
  expect(page.status).toBe(429);
  expect(Number(page.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(textOf(page.html)).toMatch(/しばらく時間をおいてから（約\d+分後に）もう一度お試しください。/);
  // The refused guess was never checked.
  expect((await db()('accounts').where({ user_id: 'limited', union_slug: 'delta' }).first()).mfa_failed_attempts).toBe(15);
});
