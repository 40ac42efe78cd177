import { saveUnion } from '../../idp/unions/union-repository.js';
import { HttpAgent, textOf } from '../helpers/http-agent.js';
import { createMemberWithLogin, startStack, type TestStack, type TestUnion } from '../helpers/stack.js';

/**
 * The review's attack: 200 rapid wrong logins from one address never got a 429. Password guesses
 * are throttled per client address and for the whole union (shared by every IdP process: the
 * counters live in the database), answered with 429, Retry-After and a Japanese message, and
 * repeated failures are slowed down before any limit is reached.
 */
let stack: TestStack;
beforeAll(async () => { stack = await startStack({ policy: { mfa: { required: false } } }); });
afterAll(async () => { await stack.close(); });

async function union(slug: string, loginThrottle: Record<string, unknown>): Promise<TestUnion> {
  const u = { slug, name: `${slug}健康保険組合`, insurerNumber: `0613${String(slug.length).padStart(4, '0')}` };
  await saveUnion(stack.database.db, { ...u, settings: { mfa: { required: false }, loginThrottle } });
  return (stack.unions[slug] = { ...u, issuer: stack.idp.registry.issuerUrl(slug) } as TestUnion);
}

/** One password attempt at the union's account console (a first-party app of its issuer). */
async function attempt(u: TestUnion, userId: string, password: string) {
  const agent = new HttpAgent();
  const login = await agent.follow(`${u.issuer}/account/`);
  const started = Date.now();
  const page = await agent.submit(login, /\/login$/, { loginId: userId, password });
  return { page, ms: Date.now() - started };
}

/** Starts well inside a fixed window, so a window boundary cannot reset a count mid-test. */
async function freshWindow(windowMs: number) {
  const left = windowMs - (Date.now() % windowMs);
  if (left < 15_000) await new Promise((resolve) => setTimeout(resolve, left + 100));
}

test('one address: failures are slowed down, then the per-address budget answers 429 with Retry-After', async () => {
  const u = await union('throttled', { freeFailures: 2, baseDelayMs: 300, maxDelayMs: 1200, perAddress: { max: 12, windowMs: 5 * 60_000 } });
  await createMemberWithLogin(stack, 'throttled', { userId: 'target', password: 'target-pass-1' });
  await freshWindow(5 * 60_000);
  const answers = [];
  for (let i = 0; i < 12; i += 1) answers.push(await attempt(u, i % 2 ? 'target' : `nobody-${i}`, `guess-${i}`));
  for (const a of answers) expect(a.page.status).toBe(401);
  // Past the free failures each wrong answer waits longer, up to the cap.
  expect(answers[8].ms - answers[1].ms).toBeGreaterThan(900);

  const refused = await attempt(u, 'target', 'target-pass-1');
  expect(refused.page.status).toBe(429);
  expect(Number(refused.page.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(textOf(refused.page.html)).toMatch(/ログインの試行が多すぎます。しばらく時間をおいてから（約\d+分後に）もう一度お試しください。/);
  // Known and unknown IDs alike: the limit is checked before anything is looked up.
  expect((await attempt(u, 'nobody-else', 'x')).page.status).toBe(429);
});

test('the whole union: a global budget of password attempts per window', async () => {
  const u = await union('globally', { freeFailures: 1000, perAddress: { max: 1000, windowMs: 60_000 }, global: { max: 5, windowMs: 5 * 60_000 } });
  await freshWindow(5 * 60_000);
  for (let i = 0; i < 5; i += 1) expect((await attempt(u, `spray-${i}`, 'Password1')).page.status).toBe(401);
  expect((await attempt(u, 'spray-6', 'Password1')).page.status).toBe(429);
});
