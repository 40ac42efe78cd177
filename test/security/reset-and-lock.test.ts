import { saveUnion } from '../../idp/unions/union-repository.js';
import { HttpAgent, passwordLogin, textOf } from '../helpers/http-agent.js';
import { linkIn } from '../helpers/smtp.js';
import { createMemberWithLogin, startStack, type TestStack, type TestUnion } from '../helpers/stack.js';

/**
 * The review's finding: a locked member could "reset" the password by mail — the page said it
 * worked — and stayed locked. A reset by mail now lifts the lock; a union that keeps unlocking to
 * its admin says so on the reset page before the member starts.
 */
let stack: TestStack;
beforeAll(async () => { stack = await startStack({ policy: { mfa: { required: false }, loginThrottle: { freeFailures: 1000 } } }); });
afterAll(async () => { await stack.close(); });

async function lockOut(issuer: string, userId: string) {
  for (let i = 0; i < 11; i += 1) await passwordLogin(new HttpAgent(), `${issuer}/account/`, userId, `guess-${i}`);
}

/** Forgot password → the mailed link's page. */
async function resetPage(u: TestUnion, userId: string) {
  const agent = new HttpAgent();
  const form = await agent.follow(`${u.issuer}/recovery/password`);
  await agent.submit(form, /\/recovery\/password$/, { userId });
  const link = linkIn(await stack.mail.next(`${userId}@example.jp`, { subject: 'パスワードのリセット' }), `${u.issuer}/recovery/password/`);
  return { agent, page: await agent.follow(link) };
}

const signsIn = async (u: TestUnion, userId: string, password: string) =>
  (await passwordLogin(new HttpAgent(), `${u.issuer}/account/`, userId, password)).url.includes('/account/');

test('a password reset by mail lifts the lock', async () => {
  const u = stack.unions.alpha;
  await createMemberWithLogin(stack, 'alpha', { userId: 'reset-unlocks', password: 'reset-unlocks-1' });
  await lockOut(u.issuer, 'reset-unlocks');
  expect(textOf((await passwordLogin(new HttpAgent(), `${u.issuer}/account/`, 'reset-unlocks', 'reset-unlocks-1')).html)).toContain('アカウントがロックされています');
  const { agent, page } = await resetPage(u, 'reset-unlocks');
  expect(textOf(page.html)).not.toContain('ロックされています');
  const done = await agent.submit(page, /^$/, { password: 'brand-new-pass-9', confirmation: 'brand-new-pass-9' });
  expect(done.status).toBe(200);
  expect(await signsIn(u, 'reset-unlocks', 'brand-new-pass-9')).toBe(true);
});

test('a union that keeps unlocking to its admin says so before the reset, and the lock stays', async () => {
  const zeta = { slug: 'zeta', name: 'ゼータ健康保険組合', insurerNumber: '06130006' };
  await saveUnion(stack.database.db, { ...zeta, settings: { mfa: { required: false }, passwordResetUnlocks: false, loginThrottle: { freeFailures: 1000 } } });
  const u = (stack.unions.zeta = { ...zeta, issuer: stack.idp.registry.issuerUrl('zeta') } as TestUnion);
  await createMemberWithLogin(stack, 'zeta', { userId: 'admin-unlocks', password: 'admin-unlocks-1' });
  await lockOut(u.issuer, 'admin-unlocks');
  const { agent, page } = await resetPage(u, 'admin-unlocks');
  expect(textOf(page.html)).toContain('パスワードを再設定してもロックは解除されません');
  await agent.submit(page, /^$/, { password: 'brand-new-pass-8', confirmation: 'brand-new-pass-8' });
  const after = await passwordLogin(new HttpAgent(), `${u.issuer}/account/`, 'admin-unlocks', 'brand-new-pass-8');
  expect(textOf(after.html)).toContain('アカウントがロックされています');
});
