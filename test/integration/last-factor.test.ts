import crypto from 'node:crypto';
import { findAccount } from '../../idp/accounts/account-repository.js';
import { removeFactor, type ConsoleDeps } from '../../idp/account-console/actions.js';
import { createMailer } from '../../idp/mail/mailer.js';
import { addCredential, listCredentials } from '../../idp/mfa/credentials.js';
import { createMemberWithLogin, startStack, type TestStack } from '../helpers/stack.js';

let stack: TestStack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

test('two deletions at once cannot remove the last two factors of a union that requires MFA', async () => {
  const db = stack.database.db;
  const { accountId } = await createMemberWithLogin(stack, 'alpha', { userId: 'two-apps', password: 'two-apps-pass', mfa: 'totp' });
  // No verified e-mail: the two apps are the only second factors.
  await db('accounts').where({ id: accountId }).update({ email_verified_at: null });
  const box = stack.idp.registry.deps.box;
  const phone = await addCredential(db, { accountId, type: 'totp', label: 'スマホ', secret: box.seal('A'.repeat(32)) });
  const tablet = await addCredential(db, { accountId, type: 'totp', label: 'タブレット', secret: box.seal('B'.repeat(32)) });

  const issuer = (await stack.idp.registry.get('alpha'))!;
  const deps: ConsoleDeps = {
    db, mailer: createMailer({ smtpUrl: stack.mail.url, mailDir: '' }), union: issuer.union, provider: issuer.provider, issuerUrl: issuer.provider.issuer,
    ip: '127.0.0.1', account: (await findAccount(db, 'alpha', accountId))!, dataKey: crypto.randomBytes(32), legacyCodeKey: 'k', locale: 'ja',
    session: { id: 'console-1', accountId, member: { sub: accountId, authTime: Math.floor(Date.now() / 1000), acr: '', amr: [], idToken: '' } },
  };
  const outcomes = await Promise.all([removeFactor(deps, phone), removeFactor(deps, tablet)]);

  expect(outcomes.map((o) => o.kind).sort()).toEqual(['done', 'last_factor']);
  expect(await listCredentials(db, accountId)).toHaveLength(1);
});
