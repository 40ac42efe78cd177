import { addCredential } from '../../idp/mfa/credentials.js';
import { HttpAgent, passwordLogin, textOf, type Page } from '../helpers/http-agent.js';
import { softPasskey, type SoftPasskey } from '../helpers/soft-passkey.js';
import { createMemberWithLogin, startStack, type TestStack } from '../helpers/stack.js';

/**
 * WebAuthn replays: an assertion answers one challenge of one login (a phishing proxy that relays
 * the victim's answer into its own login gets nowhere), and a signature counter that does not move
 * forward means a cloned authenticator, so it is refused. The passkey is a software authenticator
 * (test/helpers/soft-passkey.ts); every step is the HTTP the page's script would send.
 */
let stack: TestStack;
beforeAll(async () => { stack = await startStack(); });
afterAll(async () => { await stack.close(); });

const portalHome = () => `${stack.portalUrl}/u/alpha/`;
const origin = () => new URL(stack.unions.alpha.issuer).origin;

/** A member who logs in with `key` (preferred over the e-mail code), stored with its counter at `counter`. */
async function memberWithPasskey(userId: string, key: SoftPasskey, counter: number) {
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId, password: `${userId}-pass-1`, mfa: 'passkey' });
  await addCredential(stack.database.db, {
    accountId, type: 'passkey', label: 'ノートPC', externalId: key.id, counter, data: { publicKey: key.cosePublicKey, transports: ['internal'] },
  });
  return accountId;
}

/** The passkey page of a new login with the password: what its script reads (base path and CSRF token). */
async function passkeyPage(userId: string) {
  const agent = new HttpAgent();
  const page: Page = await passwordLogin(agent, portalHome(), userId, `${userId}-pass-1`);
  const section = /<section id="passkey" data-base="([^"]+)" data-csrf="([^"]+)" data-mode="authenticate"/.exec(page.html);
  if (!section) throw new Error(`not the passkey challenge: ${page.html.slice(0, 500)}`);
  const [, base, csrf] = section;
  const post = (path: string, json?: unknown) => agent.request(`${origin()}${base}/mfa/${path}`, { method: 'POST', headers: { 'x-csrf-token': csrf }, json });
  return {
    agent,
    /** navigator.credentials.get()'s options: the challenge of this login. */
    challenge: async () => (JSON.parse((await post('passkey/options')).html) as { challenge: string }).challenge,
    answer: async (response: Record<string, unknown>) => {
      const reply = await post('passkey', { response });
      // The script's JSON, or an error page once the login is over.
      const body = reply.headers.get('content-type')?.includes('json') ? JSON.parse(reply.html) : { error: textOf(reply.html) };
      return { status: reply.status, body: body as { redirectTo?: string; error?: string } };
    },
  };
}

const REFUSED = { status: 400, body: { error: 'パスキーで認証できませんでした。もう一度お試しいただくか、別の方法でログインしてください。' } };

test('an assertion made for one login is refused in another login of the same member', async () => {
  const key = softPasskey();
  await memberWithPasskey('relayed-passkey', key, 0);
  const victim = await passkeyPage('relayed-passkey');
  const relayed = key.assert({ challenge: await victim.challenge(), origin: origin(), counter: 1 });

  // The attacker knows the password and relays the victim's answer into a login of its own.
  const attacker = await passkeyPage('relayed-passkey');
  expect(await attacker.answer(relayed)).toEqual(REFUSED);
  // Also when the attacker's login has a challenge of its own.
  await attacker.challenge();
  expect(await attacker.answer(relayed)).toEqual(REFUSED);

  // In the login it was made for, the same answer works.
  const accepted = await victim.answer(relayed);
  expect(accepted.status).toBe(200);
  const after = await victim.agent.follow(new URL(accepted.body.redirectTo!, origin()).href);
  expect(after.url).toBe(portalHome());
});

test('an assertion answers once: replayed in the same login it is refused', async () => {
  const key = softPasskey();
  await memberWithPasskey('replayed-passkey', key, 0);
  const login = await passkeyPage('replayed-passkey');
  const answer = key.assert({ challenge: await login.challenge(), origin: origin(), counter: 1 });
  const answers = await Promise.all([login.answer(answer), login.answer(answer)]);
  // One goes on; the other is refused (how depends on whether the first had finished the login).
  expect(answers.filter((a) => a.body.redirectTo)).toHaveLength(1);
  expect(answers.filter((a) => a.status >= 400 && a.body.error)).toHaveLength(1);
});

test('a signature counter that goes backwards or stands still is refused; one that moves forward works', async () => {
  const key = softPasskey();
  await memberWithPasskey('cloned-passkey', key, 10);
  const login = await passkeyPage('cloned-passkey');
  expect(await login.answer(key.assert({ challenge: await login.challenge(), origin: origin(), counter: 5 }))).toEqual(REFUSED);
  expect(await login.answer(key.assert({ challenge: await login.challenge(), origin: origin(), counter: 10 }))).toEqual(REFUSED);

  const forward = await login.answer(key.assert({ challenge: await login.challenge(), origin: origin(), counter: 11 }));
  expect(forward.status).toBe(200);
  expect((await stack.database.db('credentials').where({ external_id: key.id }).first()).counter).toBe(11);
});
