import { settleBackchannel } from '../helpers/backchannel.js';
import { HttpAgent, passwordLogin, textOf } from '../helpers/http-agent.js';
import { createMemberWithLogin, startStack, type TestStack } from '../helpers/stack.js';

/**
 * Back-channel logout names one IdP session (its `sid`): the portal ends the logins made through
 * that session and no other. A member who logs out on the shared family PC stays logged in on the
 * phone.
 */
let stack: TestStack;
beforeAll(async () => { stack = await startStack({ policy: { mfa: { required: false } } }); });
afterAll(async () => { await stack.close(); });

const portalHome = () => `${stack.portalUrl}/u/alpha/`;

/** Is this browser still logged in to the portal by its own session (no redirect to a new login)? */
async function portalSignedIn(agent: HttpAgent): Promise<boolean> {
  await settleBackchannel(stack.database.db);
  return (await agent.request(portalHome())).status === 200;
}

test('logging out at the IdP in one browser ends that browser\'s portal login only', async () => {
  await createMemberWithLogin(stack, 'alpha', { userId: 'two-browsers', password: 'two-browsers-1' });
  const pc = new HttpAgent();
  const phone = new HttpAgent();
  for (const browser of [pc, phone]) {
    expect((await passwordLogin(browser, portalHome(), 'two-browsers', 'two-browsers-1')).url).toBe(portalHome());
    expect(await portalSignedIn(browser)).toBe(true);
  }

  // On the PC: the account console (single sign-on), then its ログアウト and ログアウトする.
  const accountPage = await pc.follow(`${stack.unions.alpha.issuer}/account/`);
  expect(textOf(accountPage.html)).toContain('アカウント管理');
  const confirm = await pc.follow(`${stack.unions.alpha.issuer}/account/logout`);
  const done = await pc.submit(confirm, /\/session\/end\/confirm$/, { logout: 'yes' });
  expect(done.status).toBe(200);

  expect(await portalSignedIn(pc)).toBe(false);
  expect(await portalSignedIn(phone)).toBe(true);
});
