import type { Database } from '../../migrations/database.js';
import type { IdpSaid } from '../i18n/text.js';
import { isLoginIdTaken, updateAccount } from './account-repository.js';
import { userIdErrors } from './field-rules.js';

const TAKEN = 'fields.userId.taken';

/**
 * The member's own user ID, wherever it is chosen (the first-login journey, the console): the
 * seed's rules, unique in the union among user IDs and every temporary ID ever issued. Returns the
 * problems; none means the ID is now the account's.
 */
export async function changeUserId(db: Database, unionSlug: string, accountId: string, typed: string): Promise<IdpSaid[]> {
  const errors = userIdErrors(typed);
  if (errors.length) return errors;
  if (await isLoginIdTaken(db, unionSlug, typed, accountId)) return [TAKEN];
  try {
    await updateAccount(db, accountId, { userId: typed });
  } catch {
    return [TAKEN]; // the unique index: taken between the check and the write
  }
  return [];
}
