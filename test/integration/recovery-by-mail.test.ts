import { listAudit } from '../../audit/audit-log.js';
import { findAccount } from '../../idp/accounts/account-repository.js';
import { lockoutState } from '../../idp/accounts/lockout.js';
import { verifyPassword } from '../../idp/accounts/password-hasher.js';
import { RECOVERY_COOLDOWN_MS } from '../../idp/recovery/cooldown.js';
import { readUserIdRequest } from '../../idp/recovery/user-id-recovery.js';
import { saveUnion } from '../../idp/unions/union-repository.js';
import { HttpAgent, textOf, type Page } from '../helpers/http-agent.js';
import { postRecoveryForm } from '../helpers/journeys.js';
import { linkIn } from '../helpers/smtp.js';
import { createMemberWithLogin, startStack, type TestStack, type TestUnion } from '../helpers/stack.js';

/**
 * パスワードを忘れた方 and ユーザIDを忘れた方 over HTTP, without a browser. A reset link's form sets one
 * password. The user ID link shows the user ID once, and its page's パスワード初期化 button works once
 * and mails a temporary password that must be changed. Every refusal is neutral to the requester and
 * written to the audit log with its reason.
 */
let stack: TestStack;
const KAPPA = { slug: 'kappa', name: 'カッパ健康保険組合', insurerNumber: '06130010' };
beforeAll(async () => {
  stack = await startStack({ policy: { mfa: { required: false } } });
  // A union that leaves unlocking to its admin.
  await saveUnion(stack.database.db, { ...KAPPA, settings: { mfa: { required: false }, passwordResetUnlocks: false } });
  stack.unions.kappa = { ...KAPPA, issuer: stack.idp.registry.issuerUrl('kappa') } as TestUnion;
});
afterAll(async () => { await stack.close(); });

const db = () => stack.database.db;
const recoveryUrl = (union: string, path: string) => `${stack.unions[union].issuer}/recovery/${path}`;
const BIRTHDATE = '19790822'; // createMemberWithLogin's member

/** Posts a recovery form as a browser would (the form's cookie and CSRF token); the answer is always neutral. */
async function request(path: 'user-id' | 'password', fields: Record<string, string>, union = 'alpha'): Promise<string> {
  const response = await postRecoveryForm(recoveryUrl(union, path), fields);
  expect(response.status).toBe(200);
  return textOf(await response.text());
}

async function requestUserId(fields: Record<string, string>, union = 'alpha'): Promise<void> {
  expect(await request('user-id', fields, union)).toContain(fields.email.trim().toLowerCase());
}

/** The fate of the requests for `target`, decided after each answer (runDetached): their audit entries, once `count` are in. */
async function decisions(target: string, count = 1, union = 'alpha', action = 'recovery.user_id.requested') {
  for (let i = 0; i < 200; i += 1) {
    const rows = await db()('audit_log').where({ union_slug: union, action, target }).orderBy('id');
    if (rows.length >= count) {
      return rows.map((r) => ({ outcome: r.outcome as string, reason: r.detail ? JSON.parse(r.detail).reason as string | undefined : undefined, actor: r.actor as string }));
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`fewer than ${count} ${action} decisions for ${target}`);
}
const decision = async (target: string, union = 'alpha') => (await decisions(target, 1, union)).at(-1);

const passwordHashOf = async (accountId: string): Promise<string> => (await db()('accounts').where({ id: accountId }).first('password_hash')).password_hash;

const lastAudit = async (action: string) => (await listAudit(db(), 'alpha', { action, limit: 1 }))[0];

/** Opens the mailed link and presses the page's button: the page that shows the user ID. */
async function useLink(agent: HttpAgent, link: string): Promise<Page> {
  const page = await agent.follow(link);
  expect(page.status).toBe(200);
  return agent.submit(page, /^$/);
}

test('forgot user ID: the mailed link shows the user ID once; its button mails a temporary password once, which must be changed', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'forgetful', password: 'forgetful-pass-1' });
  await db()('accounts').where({ id: accountId }).update({ failed_attempts: 99, locked_at: Date.now() });
  await requestUserId({ birthdate: '１９７９０８２２', email: ' Forgetful@Example.JP ' });
  expect(await decision(accountId)).toEqual({ outcome: 'success', reason: undefined, actor: `member:${accountId}` });
  const mail = await stack.mail.next('forgetful@example.jp');
  const link = linkIn(mail, `${stack.unions.alpha.issuer}/recovery/user-id/`);
  const row = await db()('one_time_links').where({ account_id: accountId, purpose: 'recover_user_id' }).first('created_at', 'expires_at');
  expect(Number(row.expires_at) - Number(row.created_at)).toBe(60 * 60_000);

  const agent = new HttpAgent();
  const shown = await useLink(agent, link);
  expect(shown.status).toBe(200);
  expect(textOf(shown.html)).toContain('forgetful');
  expect(await lastAudit('recovery.user_id.shown')).toMatchObject({ outcome: 'success', actor: `member:${accountId}` });
  const grant = await db()('one_time_links').where({ account_id: accountId, purpose: 'issue_temporary_password' }).first('created_at', 'expires_at');
  expect(Number(grant.expires_at) - Number(grant.created_at)).toBe(10 * 60_000);
  // The link is spent: its page now says so, and pressing its button again shows nothing.
  expect(textOf((await new HttpAgent().follow(link)).html)).not.toContain('forgetful');

  const done = await agent.submit(shown, /\/temporary-password$/);
  expect(done.status).toBe(200);
  const temporary = /仮パスワード: (\S+)/.exec((await stack.mail.next('forgetful@example.jp')).text!)![1];
  const account = (await findAccount(db(), 'alpha', accountId))!;
  expect(account.mustChangePassword).toBe(true);
  expect(await verifyPassword(temporary, await passwordHashOf(accountId))).toBe(true);
  expect(lockoutState(account, 10).locked).toBe(false); // the union's policy: a reset unlocks
  expect(await lastAudit('recovery.password.temporary')).toMatchObject({ outcome: 'success', actor: `member:${accountId}` });
  expect(await lastAudit('account.sessions.ended')).toMatchObject({ actor: `member:${accountId}`, detail: { cause: 'temporary_password', keptCurrent: false } });

  // The button works once.
  const again = await agent.submit(shown, /\/temporary-password$/);
  expect(again.status).toBe(410);
  expect(await lastAudit('recovery.password.temporary')).toMatchObject({ outcome: 'failure', detail: { reason: 'grant_used' } });
  expect(await verifyPassword(temporary, await passwordHashOf(accountId))).toBe(true);
});

test('forgot user ID: a used or expired link shows nothing, audited with its reason', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'twice-shown', password: 'twice-shown-pass-1' });
  await requestUserId({ birthdate: BIRTHDATE, email: 'twice-shown@example.jp' });
  const link = linkIn(await stack.mail.next('twice-shown@example.jp'), `${stack.unions.alpha.issuer}/recovery/user-id/`);
  const agent = new HttpAgent();
  const page = await agent.follow(link);
  await agent.submit(page, /^$/);
  const replay = await agent.submit(page, /^$/);
  expect(replay.status).toBe(410);
  expect(textOf(replay.html)).not.toContain('twice-shown');
  expect(await lastAudit('recovery.user_id.shown')).toMatchObject({ outcome: 'failure', actor: 'anonymous', detail: { reason: 'link_used' } });

  await db()('recovery_cooldowns').where({ account_id: accountId }).update({ last_mailed_at: Date.now() - RECOVERY_COOLDOWN_MS });
  await requestUserId({ birthdate: BIRTHDATE, email: 'twice-shown@example.jp' });
  const second = linkIn(await stack.mail.next('twice-shown@example.jp'), `${stack.unions.alpha.issuer}/recovery/user-id/`);
  const open = await agent.follow(second);
  await db()('one_time_links').where({ account_id: accountId, purpose: 'recover_user_id', used_at: null }).update({ expires_at: Date.now() - 1 });
  const expired = await agent.submit(open, /^$/);
  expect(textOf(expired.html)).not.toContain('twice-shown');
  expect(await lastAudit('recovery.user_id.shown')).toMatchObject({ outcome: 'failure', detail: { reason: 'link_expired' } });
});

test('forgot user ID: no mail, and the reason only in the audit log: an unknown address, another birthdate, no user ID yet, over the limits', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'no-mail', password: 'no-mail-pass-1' });
  await requestUserId({ birthdate: BIRTHDATE, email: 'nobody-here@example.jp' });
  expect(await decision('nobody-here@example.jp')).toEqual({ outcome: 'failure', reason: 'unknown_email', actor: 'anonymous' });
  await requestUserId({ birthdate: '19790823', email: 'no-mail@example.jp' });
  expect(await decision(accountId)).toEqual({ outcome: 'failure', reason: 'birthdate_mismatch', actor: `member:${accountId}` });
  // Another union's member with the same address is not this union's.
  await requestUserId({ birthdate: BIRTHDATE, email: 'no-mail@example.jp' }, 'beta');
  expect(await decision('no-mail@example.jp', 'beta')).toMatchObject({ outcome: 'failure', reason: 'unknown_email' });

  const unnamed = await createMemberWithLogin(stack, 'alpha', { userId: 'unnamed-yet', password: 'unnamed-yet-pass-1' });
  await db()('accounts').where({ id: unnamed.accountId }).update({ user_id: null });
  await requestUserId({ birthdate: BIRTHDATE, email: 'unnamed-yet@example.jp' });
  expect(await decision(unnamed.accountId)).toEqual({ outcome: 'failure', reason: 'no_user_id', actor: `member:${unnamed.accountId}` });

  for (let i = 0; i < 5; i += 1) await requestUserId({ birthdate: '19000101', email: 'limited@example.jp' });
  await requestUserId({ birthdate: BIRTHDATE, email: 'limited@example.jp' });
  // Decided in the background, in any order: five looked up, the sixth over its address's limit of 5.
  expect((await decisions('limited@example.jp', 6)).map((d) => `${d.outcome}:${d.reason}`).sort()).toEqual([
    'denied:rate_limited', ...Array(5).fill('failure:unknown_email'),
  ]);
  // Every request above is decided (audited) before any mail would be sent: none was.
  expect(stack.mail.messages.filter((m) => /no-mail|nobody-here|unnamed-yet|limited/.test(JSON.stringify(m.to)))).toEqual([]);
});

test('a union that leaves unlocking to its admin keeps the lock after a temporary password', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'kappa', { userId: 'kept-locked', password: 'kept-locked-pass-1' });
  await db()('accounts').where({ id: accountId }).update({ failed_attempts: 99, locked_at: Date.now() });
  await requestUserId({ birthdate: BIRTHDATE, email: 'kept-locked@example.jp' }, 'kappa');
  const agent = new HttpAgent();
  const shown = await useLink(agent, linkIn(await stack.mail.next('kept-locked@example.jp'), `${stack.unions.kappa.issuer}/recovery/user-id/`));
  expect((await agent.submit(shown, /\/temporary-password$/)).status).toBe(200);
  await stack.mail.next('kept-locked@example.jp');
  const account = (await findAccount(db(), 'kappa', accountId))!;
  expect(account.mustChangePassword).toBe(true);
  expect(account.lockedAt).not.toBeNull();
});

test('forgot user ID: the birthdate as 8 digits (full-width accepted), the address normalised', () => {
  expect(readUserIdRequest({ birthdate: ' １９７９０８２２ ', email: ' Ｍｅ@Example.JP ' })).toEqual({ request: { birthdate: '19790822', email: 'me@example.jp' }, errors: [] });
  for (const birthdate of ['1979-08-22', '197908221', 'x19790822', '19790822x', '']) {
    expect(readUserIdRequest({ birthdate, email: 'me@example.jp' }).errors).toEqual(['recovery.userId.birthdateFormat']);
  }
  expect(readUserIdRequest({}).errors).toContain('recovery.userId.birthdateFormat');
  expect(readUserIdRequest({ birthdate: '19790822' }).errors.length).toBeGreaterThan(0);
});

test('a recovery form needs the cookie it was rendered with: without it, or with another browser\'s token, nothing is requested', async () => {
  const form = await fetch(recoveryUrl('alpha', 'user-id'));
  const setCookie = form.headers.getSetCookie().find((c) => c.startsWith('kenpo_recovery='))!;
  expect(setCookie).toMatch(/; path=\/u\/alpha\/recovery/i);
  expect(setCookie).toMatch(/; httponly/i);
  expect(setCookie).toMatch(/; samesite=lax/i);
  const csrf = /name="csrf" value="([^"]+)"/.exec(await form.text())![1];
  const body = new URLSearchParams({ csrf, birthdate: BIRTHDATE, email: 'csrf-check@example.jp' });
  const post = (cookie?: string) => fetch(recoveryUrl('alpha', 'user-id'), {
    method: 'POST', redirect: 'manual', body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
  });
  expect((await post()).status).toBe(403);
  expect((await post('kenpo_recovery=AAAAAAAAAAAAAAAAAAAAAA')).status).toBe(403);
  expect((await post(setCookie.split(';')[0])).status).toBe(200);
  expect(await decisions('csrf-check@example.jp')).toEqual([{ outcome: 'failure', reason: 'unknown_email', actor: 'anonymous' }]); // the refused posts asked nothing
  // A tampered cookie is replaced when the form is shown again.
  const again = await fetch(recoveryUrl('alpha', 'user-id'), { headers: { cookie: 'kenpo_recovery=not-a-nonce' } });
  expect(again.headers.getSetCookie().some((c) => c.startsWith('kenpo_recovery=') && !c.startsWith('kenpo_recovery=not-a-nonce'))).toBe(true);
  const kept = await fetch(recoveryUrl('alpha', 'user-id'), { headers: { cookie: setCookie.split(';')[0] } });
  expect(kept.headers.getSetCookie().filter((c) => c.startsWith('kenpo_recovery='))).toEqual([]);
});

/** Opens the mailed reset link: the agent on the reset form. */
async function resetForm(userId: string, union = 'alpha'): Promise<{ agent: HttpAgent; page: Page }> {
  expect(await request('password', { userId }, union)).toBeTruthy();
  const link = linkIn(await stack.mail.next(`${userId}@example.jp`), `${stack.unions[union].issuer}/recovery/password/`);
  const agent = new HttpAgent();
  const page = await agent.follow(link);
  expect(page.status).toBe(200);
  return { agent, page };
}

test('forgot password: the mailed link\'s form sets one password, and the member is told by mail', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'reset-once', password: 'reset-once-pass-1' });
  const { agent, page } = await resetForm('reset-once');
  expect(await decisions(accountId, 1, 'alpha', 'recovery.password.requested')).toEqual([{ outcome: 'success', reason: undefined, actor: `member:${accountId}` }]);
  expect(textOf(page.html)).not.toContain('ロックは解除されません');
  const mismatch = await agent.submit(page, /^$/, { password: 'brand-new-pass-7', confirmation: 'brand-new-pass-8' });
  expect(mismatch.status).toBe(400);
  const done = await agent.submit(page, /^$/, { password: 'brand-new-pass-7', confirmation: 'brand-new-pass-7' });
  expect(done.status).toBe(200);
  expect(await verifyPassword('brand-new-pass-7', await passwordHashOf(accountId))).toBe(true);
  expect(await lastAudit('recovery.password.reset')).toMatchObject({ outcome: 'success', actor: `member:${accountId}`, target: accountId });
  expect(await lastAudit('account.sessions.ended')).toMatchObject({
    outcome: 'success', actor: `member:${accountId}`, target: accountId, detail: { cause: 'password_reset', keptCurrent: false, endedSessions: 0 },
  });
  expect((await stack.mail.next('reset-once@example.jp', { subject: 'パスワード変更のお知らせ' })).text).toBeTruthy();

  const again = await agent.submit(page, /^$/, { password: 'other-new-pass-6', confirmation: 'other-new-pass-6' });
  expect(again.status).toBe(410);
  expect(await lastAudit('recovery.password.reset')).toMatchObject({ outcome: 'failure', actor: `member:${accountId}`, detail: { reason: 'link_used' } });
  expect(await verifyPassword('brand-new-pass-7', await passwordHashOf(accountId))).toBe(true);
});

test('forgot password: no mail for an unknown user ID, or for an account without a verified address', async () => {
  expect(await request('password', { userId: 'Nobody-By-This-Id' })).toBeTruthy();
  expect(await decisions('nobody-by-this-id', 1, 'alpha', 'recovery.password.requested')).toEqual([{ outcome: 'failure', reason: 'unknown_user_id', actor: 'anonymous' }]);
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'unverified-mail', password: 'unverified-mail-pass-1' });
  await db()('accounts').where({ id: accountId }).update({ email_verified_at: null });
  expect(await request('password', { userId: 'unverified-mail' })).toBeTruthy();
  expect(await decisions(accountId, 1, 'alpha', 'recovery.password.requested')).toEqual([{ outcome: 'failure', reason: 'no_verified_email', actor: `member:${accountId}` }]);
});

test('a union that leaves unlocking to its admin says so on the reset form only to a locked member', async () => {
  await createMemberWithLogin(stack, 'kappa', { userId: 'not-locked', password: 'not-locked-pass-1' });
  expect(textOf((await resetForm('not-locked', 'kappa')).page.html)).not.toContain('ロックは解除されません');
  const { accountId } = await createMemberWithLogin(stack, 'kappa', { userId: 'is-locked', password: 'is-locked-pass-1' });
  await db()('accounts').where({ id: accountId }).update({ failed_attempts: 99, locked_at: Date.now() });
  expect(textOf((await resetForm('is-locked', 'kappa')).page.html)).toContain('ロックは解除されません');
});
