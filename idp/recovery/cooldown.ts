import type { Database } from '../../migrations/database.js';
import type { RecoveryKind } from './request-guard.js';

/**
 * At most one recovery mail of a kind per account per cooldown, counted from the last mail sent
 * (not from the last request): requests that sent nothing never extend it, so however many requests
 * others make, the member's own request is mailed once the cooldown since the last mail has passed.
 */
export const RECOVERY_COOLDOWN_MS = 60_000;

/** Claims the account's next mail; false while the last one is younger than the cooldown. Atomic across processes. */
export async function claimRecoveryMail(db: Database, accountId: string, kind: RecoveryKind, now = Date.now()): Promise<boolean> {
  await db('recovery_cooldowns').insert({ account_id: accountId, kind, last_mailed_at: 0 }).onConflict(['account_id', 'kind']).ignore();
  // One conditional UPDATE: of two concurrent claims, the database lets only one match.
  const claimed = await db('recovery_cooldowns')
    .where({ account_id: accountId, kind }).andWhere('last_mailed_at', '<=', now - RECOVERY_COOLDOWN_MS)
    .update({ last_mailed_at: now });
  return claimed > 0;
}
