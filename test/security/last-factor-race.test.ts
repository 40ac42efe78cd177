import crypto from 'node:crypto';
import { findAccount } from '../../idp/accounts/account-repository.js';
import { removeFactor, type ConsoleDeps } from '../../idp/account-console/actions.js';
import { createMailer } from '../../mail/mailer.js';
import { addCredential, listCredentials } from '../../idp/mfa/credentials.js';
import type { Database } from '../../migrations/database.js';
import { testDatabaseKind } from '../helpers/database.js';
import { createMemberWithLogin, startStack, type TestStack } from '../helpers/stack.js';

/**
 * A race on the last factor: two deletions sent at once (two tabs, or an attacker with a stolen
 * console session racing the member) must not remove both of the last two factors of a union that
 * requires one. On PostgreSQL the race is forced, not hoped for: the test holds the credential rows,
 * so each deletion stops at its DELETE after it has read the factors, and lets go only once both
 * transactions wait. Without the account-row lock both have read two factors by then and both
 * delete; with it the second waits for the first and sees one. SQLite runs one writer at a time.
 */
let stack: TestStack;
beforeAll(async () => { stack = await startStack(); });
afterAll(() => stack?.close());

/** Runs `race` while the account's credential rows are locked; releases them once `waiters` transactions wait for a lock. */
async function withCredentialsHeld<T>(db: Database, accountId: string, waiters: number, race: () => Promise<T>): Promise<T> {
  if (testDatabaseKind !== 'postgres') return race();
  const holder = await db.transaction();
  await holder('credentials').where({ account_id: accountId }).forUpdate().select('id');
  const raced = race();
  try {
    for (const deadline = Date.now() + 10_000; ;) {
      const { rows } = await db.raw("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
      if (rows[0].n >= waiters) break;
      if (Date.now() > deadline) throw new Error(`${waiters} transactions never waited for the held rows`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await holder.commit();
  }
  return raced;
}

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
  const outcomes = await withCredentialsHeld(db, accountId, 2, () => Promise.all([removeFactor(deps, phone), removeFactor(deps, tablet)]));

  expect(outcomes.map((o) => o.kind).sort()).toEqual(['done', 'last_factor']);
  expect(await listCredentials(db, accountId)).toHaveLength(1);
});
