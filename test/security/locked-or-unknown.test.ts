import { hashPassword } from '../../idp/accounts/password-hasher.js';
import { HttpAgent, passwordLogin, textOf } from '../helpers/http-agent.js';
import { createMemberWithLogin, startStack, type TestStack } from '../helpers/stack.js';

/**
 * The review's attack: a locked ID answered 423 with its own message in ~26 ms, an unknown one 401
 * in ~420 ms, so the lock told an outsider that the ID exists. Without the password, a locked
 * account and an unknown ID must answer alike: status, body and work (the hash runs for both).
 */
let stack: TestStack;
// Timing is about the hash, not the throttle: one address may fail undelayed here.
beforeAll(async () => { stack = await startStack({ policy: { mfa: { required: false }, loginThrottle: { freeFailures: 1000, perAddress: { max: 100_000, windowMs: 60_000 } } } }); });
afterAll(async () => { await stack.close(); });

const portalHome = () => `${stack.portalUrl}/u/alpha/`;
/** What a person reads, without the per-request CSRF token and interaction id. */
const visible = (html: string) => textOf(html.replace(/value="[^"]{20,}"/g, '').replace(/interaction\/[\w-]+/g, 'interaction/…'));

async function attempt(userId: string, password: string) {
  const agent = new HttpAgent();
  const login = await agent.follow(portalHome());
  const started = process.hrtime.bigint();
  const page = await agent.submit(login, /\/login$/, { loginId: userId, password });
  return { page, ms: Number(process.hrtime.bigint() - started) / 1e6 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

test('a locked account and an unknown ID answer alike without the password; only the right password learns of the lock', async () => {
  await createMemberWithLogin(stack, 'alpha', { userId: 'locked-one', password: 'locked-one-pass' });
  for (let i = 0; i < 11; i += 1) await passwordLogin(new HttpAgent(), portalHome(), 'locked-one', `guess-${i}`);

  const locked = await attempt('locked-one', 'another-guess');
  const unknown = await attempt('never-existed', 'another-guess');
  expect(locked.page.status).toBe(401);
  expect(unknown.page.status).toBe(401);
  expect(visible(locked.page.html).replace('locked-one', 'ID')).toBe(visible(unknown.page.html).replace('never-existed', 'ID'));
  expect(textOf(locked.page.html)).toContain('無効なユーザIDまたはパスワードです。');

  // The same work: interleaved samples, medians within noise (both run one password hash).
  const lockedMs: number[] = [];
  const unknownMs: number[] = [];
  for (let i = 0; i < 8; i += 1) {
    lockedMs.push((await attempt('locked-one', `sample-${i}`)).ms);
    unknownMs.push((await attempt(`nobody-${i}`, `sample-${i}`)).ms);
  }
  const [l, u] = [median(lockedMs), median(unknownMs)];
  // Within noise: a third of the slower median, or 15 ms (argon2id itself costs about 30 ms here).
  expect(Math.abs(l - u)).toBeLessThan(Math.max(Math.max(l, u) * 0.35, 15));
  // A hash ran for both: each answer took at least most of one.
  const started = process.hrtime.bigint();
  await hashPassword('a-password-to-time');
  const hashMs = Number(process.hrtime.bigint() - started) / 1e6;
  expect(Math.min(l, u)).toBeGreaterThan(hashMs * 0.5);

  const right = await attempt('locked-one', 'locked-one-pass');
  expect(right.page.status).toBe(423);
  expect(textOf(right.page.html)).toContain('アカウントがロックされています');
});
