import { saveUnion } from '../../idp/unions/union-repository.js';
import { HttpAgent, passwordLogin, textOf, type Page } from '../helpers/http-agent.js';
import { linkIn } from '../helpers/smtp.js';
import { createMemberWithLogin, startStack, type TestStack, type TestUnion } from '../helpers/stack.js';

/**
 * Mailed links and e-mail codes are single-use and short-lived, also for whoever kept a link's page
 * open: a link is checked when its form is posted, not only when it is opened. Expiry is shown by
 * moving a row's times into the past (what the database would hold after the wait), never by waiting.
 */
let stack: TestStack;
let etaIssuer: string;
// A union without a required second factor, so a member without an address reaches メールアドレスの登録.
const ETA = { slug: 'eta', name: 'イータ健康保険組合', insurerNumber: '06130007' };
beforeAll(async () => {
  stack = await startStack();
  await saveUnion(stack.database.db, { ...ETA, settings: { mfa: { required: false } } });
  etaIssuer = stack.idp.registry.issuerUrl('eta');
  stack.unions.eta = { ...ETA, issuer: etaIssuer } as TestUnion; // members only: no clients of its own
});
afterAll(async () => { await stack.close(); });

const db = () => stack.database.db;
const portalHome = () => `${stack.portalUrl}/u/alpha/`;
const MINUTE = 60_000;

/** As if `ms` had passed since the rows were written: created and expiry times move back together. */
const age = (table: 'one_time_links' | 'mfa_challenges', where: Record<string, string>, ms: number) =>
  db()(table).where(where).update({ created_at: db().raw('created_at - ?', [ms]), expires_at: db().raw('expires_at - ?', [ms]) });

/** A member whose address is not verified yet: the login stops at メールアドレスの登録. */
async function memberAtEmailStep(userId: string) {
  const { accountId } = await createMemberWithLogin(stack, 'eta', { userId, password: `${userId}-pass-1` });
  await db()('accounts').where({ id: accountId }).update({ email: null, email_verified_at: null });
  const browser = new HttpAgent();
  const step = await passwordLogin(browser, portalHome(), userId, `${userId}-pass-1`, `${etaIssuer}/account/`);
  expect(textOf(step.html)).toContain('メールアドレスの登録');
  return { accountId, browser, step };
}

/** Sends the verification mail for `email` from the step's page; returns the page after and the mailed link. */
async function mailVerification(browser: HttpAgent, step: Page, email: string) {
  const page = await browser.submit(step, /interaction/, { action: 'send', email });
  expect(textOf(page.html)).toContain(`${email} に確認メールを送信しました。`);
  const link = linkIn(await stack.mail.next(email, { subject: 'メールアドレスの確認' }), `${etaIssuer}/email-verification/`);
  return { page, link };
}

/** Opens the link in the mailbox's browser: the page with the button (opening alone uses nothing). */
async function openLink(link: string) {
  const mailbox = new HttpAgent();
  const page = await mailbox.follow(link);
  expect(page.status).toBe(200);
  return { mailbox, page };
}

const confirm = ({ mailbox, page }: { mailbox: HttpAgent; page: Page }) => mailbox.submit(page, /^$/);
const verifiedAddress = async (accountId: string) => {
  const row = await db()('accounts').where({ id: accountId }).first('email', 'email_verified_at');
  return row.email_verified_at === null ? null : row.email;
};

test('a verification link superseded while its page was open is refused when its button is pressed', async () => {
  const { accountId, browser, step } = await memberAtEmailStep('superseded-link');
  const first = await mailVerification(browser, step, 'first@example.jp');
  const stalePage = await openLink(first.link);
  // The member uses another address: a newer link makes the first useless.
  const changing = await browser.submit(first.page, /interaction/, { action: 'change' });
  const second = await mailVerification(browser, changing, 'second@example.jp');

  const refused = await confirm(stalePage);
  expect(refused.status).toBe(410);
  expect(textOf(refused.html)).toContain('より新しい確認メールが送信されているため');
  expect(await verifiedAddress(accountId)).toBeNull();

  expect((await confirm(await openLink(second.link))).status).toBe(200);
  expect(await verifiedAddress(accountId)).toBe('second@example.jp');
});

test('a verification link works for 30 minutes; after that its open page is refused too', async () => {
  const { accountId, browser, step } = await memberAtEmailStep('expired-link');
  const first = await mailVerification(browser, step, 'late@example.jp');
  const stalePage = await openLink(first.link);
  await age('one_time_links', { account_id: accountId, purpose: 'verify_email' }, 30 * MINUTE);

  const refused = await confirm(stalePage);
  expect(refused.status).toBe(410);
  expect(textOf(refused.html)).toContain('このURLは有効期限が切れています');
  expect(await verifiedAddress(accountId)).toBeNull();

  // A link 29 minutes 50 seconds old still works.
  const changing = await browser.submit(first.page, /interaction/, { action: 'change' });
  const second = await mailVerification(browser, changing, 'in-time@example.jp');
  const inTime = await openLink(second.link);
  await age('one_time_links', { account_id: accountId, purpose: 'verify_email' }, 29 * MINUTE + 50_000);
  expect((await confirm(inTime)).status).toBe(200);
  expect(await verifiedAddress(accountId)).toBe('in-time@example.jp');
});

test('a verification link posted twice at once verifies once; the other post is told the link was used', async () => {
  const { accountId, browser, step } = await memberAtEmailStep('twice-link');
  const { link } = await mailVerification(browser, step, 'twice@example.jp');
  const opened = await openLink(link);
  const answers = await Promise.all([confirm(opened), confirm({ mailbox: opened.mailbox.clone(), page: opened.page })]);
  expect(answers.map((a) => a.status).sort()).toEqual([200, 410]);
  expect(textOf(answers.find((a) => a.status === 410)!.html)).toContain('このURLは既に使用されています。');
  expect(await db()('audit_log').where({ action: 'email.verified', target: accountId })).toHaveLength(1);
});

test('a password-reset form posted twice at once sets one password; the link is then used', async () => {
  await createMemberWithLogin(stack, 'alpha', { userId: 'reset-twice', password: 'reset-twice-old-1', mfa: 'email_otp' });
  const requester = new HttpAgent();
  await requester.submit(await requester.follow(`${stack.unions.alpha.issuer}/recovery/password`), /\/recovery\/password$/, { userId: 'reset-twice' });
  const link = linkIn(await stack.mail.next('reset-twice@example.jp', { subject: 'パスワードのリセット' }), `${stack.unions.alpha.issuer}/recovery/password/`);
  const mailbox = new HttpAgent();
  const form = await mailbox.follow(link);
  const posts = ['first-new-pass-7', 'second-new-pass-8'].map((password) =>
    mailbox.clone().submit(form, /^$/, { password, confirmation: password }).then((page) => ({ password, page })));
  const answers = await Promise.all(posts);
  const done = answers.filter((a) => a.page.status === 200);
  expect(done).toHaveLength(1);
  expect(textOf(answers.find((a) => a.page.status !== 200)!.page.html)).toContain('既に使用されています');

  const signsIn = async (password: string) => !textOf((await passwordLogin(new HttpAgent(), portalHome(), 'reset-twice', password)).html).includes('無効なユーザIDまたはパスワードです');
  expect(await signsIn(done[0].password)).toBe(true);
  expect(await signsIn(answers.find((a) => a !== done[0])!.password)).toBe(false);
});

test('an e-mail code works for 10 minutes; an expired one is refused and a new one is mailed', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'slow-code', password: 'slow-code-pass-1', mfa: 'email_otp' });
  const browser = new HttpAgent();
  const challenge = await passwordLogin(browser, portalHome(), 'slow-code', 'slow-code-pass-1');
  const codeOf = async () => /ワンタイムパスワード: (\d{6})/.exec((await stack.mail.next('slow-code@example.jp', { subject: 'ワンタイムパスワードのお知らせ' })).text ?? '')![1];
  const first = await codeOf();
  await age('mfa_challenges', { account_id: accountId, kind: 'email_otp' }, 10 * MINUTE);

  const refused = await browser.submit(challenge, /\/mfa\/code\/email_otp$/, { code: first, action: 'verify' });
  expect(refused.status).toBe(400);
  expect(textOf(refused.html)).toContain('ワンタイムパスワードの有効期限が切れています');

  // The page that said so mailed a new code; 9 minutes 50 seconds later it still works.
  const second = await codeOf();
  expect(second).toBeDefined();
  await age('mfa_challenges', { account_id: accountId, kind: 'email_otp' }, 9 * MINUTE + 50_000);
  const done = await browser.submit(refused, /\/mfa\/code\/email_otp$/, { code: second, action: 'verify' });
  expect(done.url).toBe(portalHome());
  expect(done.status).toBe(200);
});
