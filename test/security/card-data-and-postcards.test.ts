import { HttpAgent, passwordLogin, textOf } from '../helpers/http-agent.js';
import { adminApi } from '../helpers/admin-api.js';
import { createMemberWithLogin, memberRecord, startStack, type TestStack } from '../helpers/stack.js';

/**
 * The review's attacks on the first-login doors:
 * - a migrated member's initial password is 記号番号 + birthdate, printed on the insurance card:
 *   whoever holds the card must not be able to start the journey and set their own e-mail and factor;
 * - a reissued postcard must not stay a second password after the member has used it.
 */
let stack: TestStack;
let admin: Awaited<ReturnType<typeof adminApi>>;
beforeAll(async () => {
  stack = await startStack();
  admin = await adminApi(stack.unions.alpha);
});
afterAll(async () => { await stack.close(); });

const portalHome = () => `${stack.portalUrl}/u/alpha/`;

async function migrate(kigo: string, bango: string, birthdate: string, userId: string, email?: string) {
  await admin.call('POST', '/members', { ...memberRecord(stack.unions.alpha, { kigo, bango, birthdate }), kigo, bango });
  const migrated = await admin.call('POST', '/migrated-accounts', { accounts: [{ insurerNumber: stack.unions.alpha.insurerNumber, kigo, bango, userId, ...(email ? { email } : {}) }] });
  expect(migrated.status).toBe(200);
  return migrated.body.accounts[0].accountId as string;
}

test('insurance card data alone (記号番号 + birthdate) reaches no step of the journey', async () => {
  const accountId = await migrate('55', '1201', '1971-02-03', 'card.victim', 'card.victim@example.jp');
  const holder = new HttpAgent();
  const page = await passwordLogin(holder, portalHome(), 'card.victim', '55120119710203');
  // A code goes to the address the member verified in the old service; the card holder sees only its form.
  expect(textOf(page.html)).toContain('ワンタイムパスワードを送信しました');
  expect(page.html).not.toMatch(/name="birthdate"|name="email"/);
  const mail = await stack.mail.next('card.victim@example.jp', { subject: 'ワンタイムパスワードのお知らせ' });
  expect(mail.text).toMatch(/\d{6}/);
  // Posting a journey step directly is sent back to the code.
  const stepUrl = page.url.replace(/\/?$/, '/step/email');
  const posted = await holder.follow(stepUrl, { form: { csrf: /name="csrf" value="([^"]+)"/.exec(page.html)![1], email: 'attacker@example.net' } });
  expect(textOf(posted.html)).toContain('ワンタイムパスワード');
  expect(stack.mail.messages.some((m) => JSON.stringify(m.to).includes('attacker@example.net'))).toBe(false);
  expect((await stack.database.db('accounts').where({ id: accountId }).first()).email).toBe('card.victim@example.jp');
});

test('a migrated member with no address on file is refused with a clear message (a postcard is the way in)', async () => {
  await migrate('55', '1202', '1972-03-04', 'no.address');
  const page = await passwordLogin(new HttpAgent(), portalHome(), 'no.address', '55120219720304');
  expect(page.status).toBe(401);
  expect(textOf(page.html)).toContain('初期パスワードではログインできません');
  // A wrong password still says only 無効な…: the message never tells an outsider about the account.
  const wrong = await passwordLogin(new HttpAgent(), portalHome(), 'no.address', '55120219720305');
  expect(textOf(wrong.html)).toContain('無効なユーザIDまたはパスワードです。');
  expect(textOf(wrong.html)).not.toContain('初期パスワード');
});

test('a postcard opens one login; a reissued one for a member with a factor asks that factor before anything', async () => {
  const { body: issued } = await admin.call('POST', '/members', memberRecord(stack.unions.alpha));
  const { body: card } = await admin.call('POST', `/members/${issued.id}/temporary-credentials`);
  const first = await passwordLogin(new HttpAgent(), portalHome(), card.temporaryUserId, card.temporaryPassword);
  expect(first.html).toContain('name="birthdate"');
  const again = await passwordLogin(new HttpAgent(), portalHome(), card.temporaryUserId, card.temporaryPassword);
  expect(textOf(again.html)).toContain('無効なユーザIDまたはパスワードです。');

  // A member who finished the first login long ago: the reissued card is no way around the factor.
  const { memberId } = await createMemberWithLogin(stack, 'alpha', { userId: 'reissued', password: 'reissued-pass-1', mfa: 'email_otp' });
  const { body: reissued } = await admin.call('POST', `/members/${memberId}/temporary-credentials`);
  const holder = new HttpAgent();
  const page = await passwordLogin(holder, portalHome(), reissued.temporaryUserId, reissued.temporaryPassword);
  expect(textOf(page.html)).toContain('ワンタイムパスワードを送信しました');
  expect(page.html).not.toMatch(/name="password"|name="birthdate"/);
});
