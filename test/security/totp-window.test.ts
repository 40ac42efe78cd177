import { addCredential } from '../../idp/mfa/credentials.js';
import { HttpAgent, passwordLogin, textOf, type Page } from '../helpers/http-agent.js';
import { base32Encode, totpFor } from '../helpers/totp.js';
import { createMemberWithLogin, startStack, type TestStack } from '../helpers/stack.js';

/**
 * An authenticator app's code is good for its 30-second step and one step of clock drift either
 * way, no more: a code seen (over a shoulder, in a screenshot) a minute ago or made for a minute
 * ahead is refused. Codes come from the independent RFC 6238 implementation in test/helpers/totp.ts.
 */
let stack: TestStack;
beforeAll(async () => { stack = await startStack(); });
afterAll(async () => { await stack.close(); });

const portalHome = () => `${stack.portalUrl}/u/alpha/`;
const CODE_FORM = /\/mfa\/code\/totp$/;

/** The code `offset` steps from now, made early enough in a step that the server checks it in the same step. */
async function codeAt(secret: string, offset: number): Promise<string> {
  const intoStep = Date.now() % 30_000;
  if (intoStep > 27_000) await new Promise((resolve) => setTimeout(resolve, 30_000 - intoStep + 50));
  return totpFor(secret, offset);
}

test('codes more than one step away are refused; the previous, current and next step each work once', async () => {
  const secret = base32Encode(Buffer.from('12345678901234567890'));
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'drifting-app', password: 'drifting-app-1', mfa: 'totp' });
  const device = await addCredential(stack.database.db, { accountId, type: 'totp', label: 'スマホ', secret: stack.idp.registry.deps.box.seal(secret) });
  const login = async () => {
    const agent = new HttpAgent();
    return { agent, page: await passwordLogin(agent, portalHome(), 'drifting-app', 'drifting-app-1') };
  };
  const submit = ({ agent, page }: { agent: HttpAgent; page: Page }, code: string) => agent.submit(page, CODE_FORM, { device, code });

  let attempt = await login();
  for (const offset of [-20, 20, -2, 2]) {
    attempt = { ...attempt, page: await submit(attempt, await codeAt(secret, offset)) };
    expect(attempt.page.status).toBe(400);
    expect(textOf(attempt.page.html)).toContain('ワンタイムパスワードが正しくありません。');
  }

  let code = '';
  for (const offset of [-1, 0, 1]) {
    code = await codeAt(secret, offset);
    expect((await submit(await login(), code)).url).toBe(portalHome());
  }
  // Each code works once: the one just used is refused in a new login.
  expect((await submit(await login(), code)).status).toBe(400);
});
