import { CODE_CHECK_LIMITS } from '../../idp/mfa/rate-limit.js';
import { saveUnion } from '../../idp/unions/union-repository.js';
import { HttpAgent, passwordLogin, textOf, type Page } from '../helpers/http-agent.js';
import { createMemberWithLogin, startStack, type TestStack, type TestUnion } from '../helpers/stack.js';

/**
 * Code guessing spread over many accounts (an attacker with a list of stolen passwords): each
 * account's own count stays low, so the per-address budget of code checks is what ends it. Every
 * attempt below is a real wrong code posted to the login's form; nothing is written to the counters.
 */
let stack: TestStack;
let thetaIssuer: string;
beforeAll(async () => {
  stack = await startStack();
  // A union that allows the most failures NIST permits (100), so neither the lockout nor the account's budget speaks first.
  const union = { slug: 'theta', name: 'シータ健康保険組合', insurerNumber: '06130008' };
  await saveUnion(stack.database.db, { ...union, settings: { mfaLockoutThreshold: 100 } });
  thetaIssuer = stack.idp.registry.issuerUrl('theta');
  stack.unions.theta = { ...union, issuer: thetaIssuer } as TestUnion; // members only: no clients of its own
});
afterAll(async () => { await stack.close(); });

const guess = (agent: HttpAgent, page: Page, n: number) => agent.submit(page, /\/mfa\/code\/email_otp$/, { code: String(100000 + n), action: 'verify' });

/** A new member's login up to the e-mail code. */
async function codePage(userId: string) {
  await createMemberWithLogin(stack, 'theta', { userId, password: `${userId}-pass-1`, mfa: 'email_otp' });
  const agent = new HttpAgent();
  return { agent, page: await passwordLogin(agent, `${thetaIssuer}/account/`, userId, `${userId}-pass-1`) };
}

test('one address gets 100 code checks per 5 minutes across all accounts, then 429 with the wait', async () => {
  const { ip, account } = CODE_CHECK_LIMITS;
  const perAccount = account.max - 2;
  // The budget is counted in fixed windows: start well inside one.
  const left = ip.windowMs - (Date.now() % ip.windowMs);
  if (left < 30_000) await new Promise((resolve) => setTimeout(resolve, left + 100));

  let spent = 0;
  let last = await codePage('sprayed-0');
  for (let n = 1; spent < ip.max; n += 1) {
    for (let i = 0; i < perAccount && spent < ip.max; i += 1, spent += 1) {
      last.page = await guess(last.agent, last.page, spent);
      expect(last.page.status).toBe(400);
    }
    if (spent < ip.max) last = await codePage(`sprayed-${n}`);
  }
  const refused = await guess(last.agent, last.page, spent);
  expect(refused.status).toBe(429);
  expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(textOf(refused.html)).toMatch(/確認の回数が上限に達しました。しばらく時間をおいてから（約\d+分後に）もう一度お試しください。/);

  // A further account's very first guess is refused too, and never checked.
  const fresh = await codePage('sprayed-fresh');
  expect((await guess(fresh.agent, fresh.page, 0)).status).toBe(429);
  expect((await stack.database.db('accounts').where({ union_slug: 'theta', user_id: 'sprayed-fresh' }).first()).mfa_failed_attempts).toBe(0);
});
