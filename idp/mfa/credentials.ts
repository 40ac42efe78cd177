import crypto from 'node:crypto';
import type { Database } from '../../migrations/database.js';

export type CredentialType = 'passkey' | 'totp';

/** A registered second factor: a passkey or an authenticator app ("device"), named by the member. */
export interface Credential {
  id: string;
  accountId: string;
  type: CredentialType;
  label: string;
  /** Sealed secret (TOTP seed). */
  secret: string | null;
  /** Passkey credential id (base64url). */
  externalId: string | null;
  counter: number | null;
  data: Record<string, unknown>;
  createdAt: number;
  lastUsedAt: number | null;
}

interface Row {
  id: string; account_id: string; type: CredentialType; label: string; secret: string | null; external_id: string | null;
  counter: number | null; data: string; created_at: number; last_used_at: number | null;
}

const toCredential = (r: Row): Credential => ({
  id: r.id, accountId: r.account_id, type: r.type, label: r.label, secret: r.secret, externalId: r.external_id,
  counter: r.counter, data: JSON.parse(r.data), createdAt: r.created_at, lastUsedAt: r.last_used_at,
});

export async function listCredentials(db: Database, accountId: string, type?: CredentialType): Promise<Credential[]> {
  const query = db('credentials').where({ account_id: accountId }).orderBy('created_at');
  if (type) query.andWhere({ type });
  return (await query as Row[]).map(toCredential);
}

export async function findCredential(db: Database, accountId: string, id: string): Promise<Credential | undefined> {
  const row: Row | undefined = await db('credentials').where({ account_id: accountId, id }).first();
  return row && toCredential(row);
}

export class DuplicateCredentialError extends Error {}

/** Stores a new factor; a label already used by the member, or a passkey known to anyone, is refused. */
export async function addCredential(
  db: Database,
  credential: { accountId: string; type: CredentialType; label: string; secret?: string; externalId?: string; counter?: number; data?: Record<string, unknown> },
): Promise<string> {
  const id = crypto.randomUUID();
  try {
    await db('credentials').insert({
      id, account_id: credential.accountId, type: credential.type, label: credential.label, secret: credential.secret ?? null,
      external_id: credential.externalId ?? null, counter: credential.counter ?? null, data: JSON.stringify(credential.data ?? {}),
      created_at: Date.now(),
    });
  } catch (err) {
    if (/unique|duplicate/i.test(String((err as Error).message))) throw new DuplicateCredentialError();
    throw err;
  }
  return id;
}

/**
 * Moves the credential's counter forward to `counter`, only if it is higher than the stored one.
 * One UPDATE, so two requests can never both use the same TOTP step.
 */
export async function advanceCounter(db: Database, id: string, counter: number): Promise<boolean> {
  const updated = await db('credentials').where({ id })
    .andWhere((q) => q.whereNull('counter').orWhere('counter', '<', counter))
    .update({ counter, last_used_at: Date.now() });
  return updated === 1;
}

export async function touchCredential(db: Database, id: string): Promise<void> {
  await db('credentials').where({ id }).update({ last_used_at: Date.now() });
}

/** Removes the member's passkeys and authenticator apps (a lost phone); returns how many. */
export async function removeAllCredentials(db: Database, accountId: string): Promise<number> {
  return db('credentials').where({ account_id: accountId }).delete();
}
