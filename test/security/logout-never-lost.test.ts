import { endSessionsAfterChange } from '../../idp/accounts/session-ending.js';
import { listSessions } from '../../idp/accounts/sessions.js';
import { settleBackchannel } from '../helpers/backchannel.js';
import { HttpAgent, passwordLogin } from '../helpers/http-agent.js';
import { createMemberWithLogin, startStack, type TestStack } from '../helpers/stack.js';

/**
 * A member signs out everywhere after a theft: the IdP sessions end and each relying party is owed a
 * logout token. If the two were written separately, a crash (or a database error) between them would
 * end the sessions and lose the logout, leaving the thief's portal session and its medical pages live.
 * Both are written in one transaction: when the outbox cannot be written, no session ends either, so
 * the member's retry still reaches every relying party.
 */
let stack: TestStack;
beforeAll(async () => { stack = await startStack({ policy: { mfa: { required: false } } }); });
afterAll(async () => { await stack.close(); });

const db = () => stack.database.db;
const portalHome = () => `${stack.portalUrl}/u/alpha/`;

async function portalSignedIn(agent: HttpAgent): Promise<boolean> {
  return (await agent.request(portalHome())).status === 200;
}

test('ending sessions and owing their back-channel logouts are one write: all of it or none of it', async () => {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'never-lost', password: 'never-lost-pass-1' });
  const thief = new HttpAgent();
  await passwordLogin(thief, portalHome(), 'never-lost', 'never-lost-pass-1');
  expect(await portalSignedIn(thief)).toBe(true);
  const { provider } = (await stack.idp.registry.get('alpha'))!;
  const change = { accountId, cause: 'password_changed' as const };
  const deps = { db: db(), unionSlug: 'alpha', provider, ip: '127.0.0.1' };

  // The outbox cannot be written (as if the process died before it): the sessions stay, nothing is half done.
  await db().schema.renameTable('backchannel_deliveries', 'backchannel_deliveries_away');
  try {
    await expect(endSessionsAfterChange(deps, change)).rejects.toThrow();
  } finally {
    await db().schema.renameTable('backchannel_deliveries_away', 'backchannel_deliveries');
  }
  expect(await listSessions(db(), 'alpha', accountId)).toHaveLength(1);
  expect(await db()('backchannel_deliveries').where({ sub: accountId })).toHaveLength(0);

  // The retry ends the session and the portal hears of it.
  expect(await endSessionsAfterChange(deps, change)).toMatchObject({ endedSessions: 1, relyingParties: { queued: 1 } });
  expect(await listSessions(db(), 'alpha', accountId)).toHaveLength(0);
  await settleBackchannel(db());
  expect(await db()('backchannel_deliveries').where({ sub: accountId }).whereNotNull('delivered_at')).toHaveLength(1);
  expect(await portalSignedIn(thief)).toBe(false);
});
