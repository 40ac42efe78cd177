import { RECOVERY_COOLDOWN_MS } from '../../idp/recovery/cooldown.js';
import { postRecoveryForm } from '../helpers/journeys.js';
import { linkIn } from '../helpers/smtp.js';
import { createMemberWithLogin, startStack, type TestStack } from '../helpers/stack.js';

/**
 * The review's attack: five anonymous requests for a member's user ID within 15 minutes, and the
 * member's own request showed the neutral page but sent nothing, because the limit counted per
 * identity typed in. Now others' requests spend only their own addresses' budgets, and the one
 * thing they share with the member, the cooldown between mails, runs from the last mail sent: the
 * member's request after it is mailed, however many requests came before.
 *
 * Addresses are told apart by a trusted proxy's X-Forwarded-For (TRUST_PROXY=true: one hop).
 */
let stack: TestStack;
beforeAll(async () => { stack = await startStack({ env: { TRUST_PROXY: 'true' } }); });
afterAll(async () => { await stack.close(); });

const db = () => stack.database.db;
const recoveryUrl = (path: string) => `${stack.unions.alpha.issuer}/recovery/${path}`;
const MEMBER_IP = '198.51.100.7';
const attackerIp = (n: number) => `203.0.113.${n}`;

/** A recovery form posted as a browser would (its cookie and CSRF token), from `ip` through the proxy. */
async function submitFrom(ip: string, path: 'password' | 'user-id', fields: Record<string, string>) {
  const response = await postRecoveryForm(recoveryUrl(path), fields, { 'x-forwarded-for': ip });
  await response.text();
  expect(response.status).toBe(200);
}

/** The fate of each request is decided after its answer: wait until `count` of them are in the audit log. */
async function decisions(action: string, ipLike: string, count: number) {
  for (let i = 0; i < 300; i += 1) {
    const rows = await db()('audit_log').where({ union_slug: 'alpha', action }).andWhere('ip', 'like', ipLike).orderBy('id');
    if (rows.length >= count) return rows.map((r) => ({ outcome: r.outcome as string, reason: r.detail ? JSON.parse(r.detail).reason as string | undefined : undefined }));
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`fewer than ${count} decisions on ${action} from ${ipLike}`);
}

/** As if the cooldown since the account's last recovery mail had passed (a controlled clock, no waiting). */
const passCooldown = (accountId: string) =>
  db()('recovery_cooldowns').where({ account_id: accountId }).update({ last_mailed_at: Date.now() - RECOVERY_COOLDOWN_MS });

const opens = async (link: string) => (await fetch(link)).status;

test('fifty anonymous forgot-password requests for a user ID do not stop the member\'s own request being mailed', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'suppressed', password: 'suppressed-pass-1' });
  const email = 'suppressed@example.jp';
  // Ten addresses, five requests each: every one within its own address's budget.
  for (let n = 1; n <= 10; n += 1) {
    for (let i = 0; i < 5; i += 1) await submitFrom(attackerIp(n), 'password', { userId: i % 2 ? 'SUPPRESSED' : 'suppressed' });
  }
  const flood = await decisions('recovery.password.requested', '203.0.113.%', 50);
  // The flood mails the member once (a valid link they did not ask for), then waits out the cooldown.
  expect(flood.filter((d) => d.outcome === 'success')).toHaveLength(1);
  expect(flood.filter((d) => d.reason === 'cooldown')).toHaveLength(49);
  const floodLink = linkIn(await stack.mail.next(email, { subject: 'パスワードのリセット' }), recoveryUrl('password/'));

  // Within the cooldown the member's request sends nothing new, and the link in the inbox still works.
  await submitFrom(MEMBER_IP, 'password', { userId: 'suppressed' });
  expect(await decisions('recovery.password.requested', MEMBER_IP, 1)).toEqual([{ outcome: 'denied', reason: 'cooldown' }]);
  expect(await opens(floodLink)).toBe(200);

  // After it, the member's request is mailed, and that link works.
  await passCooldown(accountId);
  await submitFrom(MEMBER_IP, 'password', { userId: 'suppressed' });
  expect((await decisions('recovery.password.requested', MEMBER_IP, 2))[1]).toEqual({ outcome: 'success', reason: undefined });
  const link = linkIn(await stack.mail.next(email, { subject: 'パスワードのリセット' }), recoveryUrl('password/'));
  expect(link).not.toBe(floodLink);
  expect(await opens(link)).toBe(200);
});

test('forgot user ID: anonymous requests with the member\'s address leave the member\'s own request mailed', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'suppressed-id', password: 'suppressed-id-pass' }, { birthdate: '1982-03-04' });
  const email = 'suppressed-id@example.jp';
  // Fifty guesses of the birthdate from ten addresses: none is mailed, so none starts a cooldown.
  for (let n = 11; n <= 20; n += 1) {
    for (let i = 0; i < 5; i += 1) await submitFrom(attackerIp(n), 'user-id', { birthdate: `1990010${i + 1}`, email });
  }
  const guesses = await decisions('recovery.user_id.requested', '203.0.113.%', 50);
  expect(guesses.every((d) => d.reason === 'birthdate_mismatch')).toBe(true);

  await submitFrom(MEMBER_IP, 'user-id', { birthdate: '19820304', email });
  expect(await decisions('recovery.user_id.requested', MEMBER_IP, 1)).toEqual([{ outcome: 'success', reason: undefined }]);
  const memberLink = linkIn(await stack.mail.next(email, { subject: 'ユーザIDのご案内' }), recoveryUrl('user-id/'));

  // Someone who also knows the birthdate cannot supersede that link within the cooldown...
  for (let i = 0; i < 5; i += 1) await submitFrom(attackerIp(21), 'user-id', { birthdate: '19820304', email });
  const knowing = await decisions('recovery.user_id.requested', attackerIp(21), 5);
  expect(knowing.map((d) => d.reason)).toEqual(Array(5).fill('cooldown'));
  expect(await opens(memberLink)).toBe(200);

  // ...and after it, the member's next request is mailed again.
  await passCooldown(accountId);
  await submitFrom(MEMBER_IP, 'user-id', { birthdate: '19820304', email });
  expect((await decisions('recovery.user_id.requested', MEMBER_IP, 2))[1]).toEqual({ outcome: 'success', reason: undefined });
  expect(linkIn(await stack.mail.next(email, { subject: 'ユーザIDのご案内' }), recoveryUrl('user-id/'))).not.toBe(memberLink);
});
