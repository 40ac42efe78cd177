import type { Database } from '../../migrations/database.js';
import type { IdpSaid } from '../i18n/text.js';
import { isEmailTaken, updateAccount, type Account } from './account-repository.js';
import { emailFormatErrors } from './field-rules.js';

/**
 * The member's e-mail address, wherever it changes (the first-login journey, the console, the
 * console's revert link): one check of a wanted address and one write of a confirmed one.
 */
export async function newEmailErrors(
  db: Database, unionSlug: string, account: Pick<Account, 'id' | 'email'>, email: string, options: { refuseCurrent?: boolean } = {},
): Promise<IdpSaid[]> {
  const errors = emailFormatErrors(email);
  if (!errors.length && options.refuseCurrent && email === account.email) errors.push('fields.email.current');
  if (!errors.length && await isEmailTaken(db, unionSlug, email, account.id)) errors.push('fields.email.taken');
  return errors;
}

/** Makes a confirmed address the account's verified one; 'taken' when another account of the union has it (even since the check). */
export async function adoptVerifiedEmail(db: Database, unionSlug: string, accountId: string, email: string): Promise<'done' | 'taken'> {
  if (await isEmailTaken(db, unionSlug, email, accountId)) return 'taken';
  try {
    await updateAccount(db, accountId, { email, emailVerified: true });
  } catch {
    return 'taken'; // the unique index: taken between the check and the write
  }
  return 'done';
}
