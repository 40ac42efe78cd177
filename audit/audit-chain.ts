import crypto from 'node:crypto';

/** The `prev_hash` of a union's first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** An audit_log row as stored: what its hash covers (`detail` is the stored JSON text, not re-serialised). */
export interface ChainedFields {
  union_slug: string;
  seq: number;
  at: number;
  actor: string;
  action: string;
  target: string | null;
  outcome: string;
  ip: string | null;
  detail: string;
}

/**
 * hash = SHA-256(prev_hash || canonical entry). The canonical form is a JSON array in a fixed order,
 * so no key order or whitespace can change it; the sequence number makes a deleted entry show.
 */
export function entryHash(prevHash: string, f: ChainedFields): string {
  const canonical = JSON.stringify([f.union_slug, Number(f.seq), Number(f.at), f.actor, f.action, f.target ?? null, f.outcome, f.ip ?? null, f.detail]);
  return crypto.createHash('sha256').update(prevHash).update(canonical).digest('hex');
}
