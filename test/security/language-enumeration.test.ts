import { HttpAgent, passwordLogin, textOf } from '../helpers/http-agent.js';
import { createMemberWithLogin, startStack, type TestStack } from '../helpers/stack.js';

/**
 * A member's own language (言語) must not tell an outsider that a user ID exists: a wrong password
 * for an account set to English answers exactly as an unknown ID does (Japanese, for a browser that
 * asks for nothing else); the member's setting applies only once the password was right.
 */
let stack: TestStack;
beforeAll(async () => { stack = await startStack({}); });
afterAll(async () => { await stack.close(); });

const portalHome = () => `${stack.portalUrl}/u/alpha/`;
const langOf = (html: string) => /<html lang="(\w+)"/.exec(html)?.[1];
/** What a person reads, without the per-request CSRF token and interaction id. */
const visible = (html: string) => textOf(html.replace(/value="[^"]{20,}"/g, '').replace(/interaction\/[\w-]+/g, 'interaction/…'));

test('a wrong password for an English-speaking member reads like one for an unknown ID; the right one turns the pages English', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'speaks-english', password: 'speaks-english-1', mfa: 'email_otp' });
  await stack.database.db('accounts').where({ id: accountId }).update({ language: 'en' });

  const wrong = await passwordLogin(new HttpAgent(), portalHome(), 'speaks-english', 'a-wrong-guess');
  const unknown = await passwordLogin(new HttpAgent(), portalHome(), 'nobody-at-all', 'a-wrong-guess');
  expect(wrong.status).toBe(401);
  expect(langOf(wrong.html)).toBe('ja');
  expect(visible(wrong.html).replace('speaks-english', 'ID')).toBe(visible(unknown.html).replace('nobody-at-all', 'ID'));

  const right = await passwordLogin(new HttpAgent(), portalHome(), 'speaks-english', 'speaks-english-1');
  expect(right.url).toContain('/interaction/');
  expect(langOf(right.html)).toBe('en');
  expect(textOf(right.html)).toContain('Two-step verification');
});
