import crypto from 'node:crypto';
import type { Database } from '../../migrations/database.js';

export type ChallengeKind = 'passkey_registration' | 'passkey_authentication' | 'totp_setup' | 'email_otp';

/**
 * Short-lived values bound to one account *and* one interaction: a challenge made for one login
 * cannot be answered in another. Saving a kind again replaces the previous value.
 */
export async function saveChallenge(
  db: Database, args: { accountId: string; interactionUid: string; kind: ChallengeKind; value: string; ttlMs: number },
): Promise<void> {
  const now = Date.now();
  await db.transaction(async (trx) => {
    await trx('mfa_challenges').where({ account_id: args.accountId, interaction_uid: args.interactionUid, kind: args.kind }).delete();
    await trx('mfa_challenges').insert({
      id: crypto.randomUUID(), account_id: args.accountId, interaction_uid: args.interactionUid, kind: args.kind,
      value: args.value, created_at: now, expires_at: now + args.ttlMs,
    });
  });
}

export async function peekChallenge(db: Database, accountId: string, interactionUid: string, kind: ChallengeKind) {
  const row = await db('mfa_challenges').where({ account_id: accountId, interaction_uid: interactionUid, kind })
    .andWhere('expires_at', '>', Date.now()).first();
  return row ? { value: row.value as string, createdAt: row.created_at as number } : undefined;
}

/** Returns the value and deletes it: a challenge answers once. */
export async function takeChallenge(db: Database, accountId: string, interactionUid: string, kind: ChallengeKind): Promise<string | undefined> {
  const found = await peekChallenge(db, accountId, interactionUid, kind);
  if (!found) return undefined;
  const deleted = await db('mfa_challenges').where({ account_id: accountId, interaction_uid: interactionUid, kind }).delete();
  return deleted > 0 ? found.value : undefined;
}

export async function purgeChallenges(db: Database): Promise<void> {
  await db('mfa_challenges').where('expires_at', '<=', Date.now()).delete();
}
