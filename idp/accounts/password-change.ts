import type { Database } from '../../migrations/database.js';
import type { IdpSaid } from '../i18n/text.js';
import type { Union } from '../unions/union-repository.js';
import { passwordHashOf, updateAccount, type Account } from './account-repository.js';
import { findMember } from '../members/member-repository.js';
import { passwordErrors } from './field-rules.js';
import { verifyPassword } from './password-hasher.js';
import { passwordStrengthErrors } from './password-strength.js';
import { latestTemporaryPasswordHash } from './temporary-credentials.js';

/**
 * Setting a password, wherever it happens (the first-login journey, the console, recovery): one rule
 * and one write. The caller hashes in between (slow, so before any transaction) and decides what
 * else the change ends (sessions) or tells (mails).
 */
export async function newPasswordErrors(
  db: Database, union: Union, account: Pick<Account, 'id' | 'userId' | 'memberId'>, form: { password: string; confirmation: string },
): Promise<IdpSaid[]> {
  const password = form.password.slice(0, 1024);
  const errors = passwordErrors(union.policy.password, password, form.confirmation.slice(0, 1024), account.userId);
  if (errors.length) return errors;
  // Neither the current password nor the postcard's comes back.
  const current = await passwordHashOf(db, account.id);
  if (current && await verifyPassword(password, current)) return ['fields.password.sameAsCurrent'];
  const postcard = await latestTemporaryPasswordHash(db, account.id);
  if (postcard && await verifyPassword(password, postcard)) return ['fields.password.sameAsTemporary'];
  // Nor one a guesser tries first: a common password, or the member's own data.
  const member = await findMember(db, union.slug, account.memberId);
  return passwordStrengthErrors(password, {
    userId: account.userId, unionName: union.name, unionSlug: union.slug,
    kigo: member?.kigo, bango: member?.bango, birthdate: member?.birthdate,
  });
}

/** The account's password from now on; no change is asked for any more (nor a migrated initial password kept). */
export async function storeNewPassword(db: Database, accountId: string, passwordHash: string): Promise<void> {
  await updateAccount(db, accountId, { passwordHash, mustChangePassword: false });
}
