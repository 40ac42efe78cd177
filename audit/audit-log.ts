import type { Database } from '../migrations/database.js';
import { entryHash, GENESIS_HASH } from './audit-chain.js';

export interface AuditEntry {
  unionSlug: string;
  /** Who acted: `member:<accountId>`, `admin:<clientId>`, `system`, or `anonymous`. */
  actor: string;
  /** What happened, dotted: `login.succeeded`, `admin.account.unlock`… */
  action: string;
  /** Whom or what it concerned (account id, member id, login id…). */
  target?: string | null;
  outcome: 'success' | 'failure' | 'denied';
  ip?: string | null;
  detail?: Record<string, unknown>;
}

export interface AuditRecord extends Required<Omit<AuditEntry, 'detail'>> {
  id: number;
  at: number;
  detail: Record<string, unknown>;
}

/**
 * Appends to the audit log (the table itself refuses updates and deletes). Each entry is chained to
 * the previous one of its union (see audit-chain.ts); the union's head row is locked for the
 * append, so concurrent writers, in one process or several, queue instead of forking the chain.
 */
export async function recordAudit(db: Database, entry: AuditEntry): Promise<void> {
  const fields = {
    union_slug: entry.unionSlug,
    at: Date.now(),
    actor: entry.actor,
    action: entry.action,
    target: entry.target ?? null,
    outcome: entry.outcome,
    ip: entry.ip ?? null,
    detail: JSON.stringify(entry.detail ?? {}),
  };
  await db.transaction(async (trx) => {
    const { seq, prevHash } = await nextLink(trx, entry.unionSlug);
    const hash = entryHash(prevHash, { ...fields, seq });
    await trx('audit_log').insert({ ...fields, seq, prev_hash: prevHash, hash });
    await trx('audit_heads').where({ union_slug: entry.unionSlug }).update({ hash });
  });
}

/**
 * Takes the union's next sequence number and the hash it follows. The first statement is a write, so
 * it holds the head's row lock (PostgreSQL) or SQLite's write lock until the transaction ends.
 */
async function nextLink(trx: Database, unionSlug: string): Promise<{ seq: number; prevHash: string }> {
  const bump = (): Promise<Array<{ seq: number; hash: string }>> =>
    trx('audit_heads').where({ union_slug: unionSlug }).update({ seq: trx.raw('seq + 1') }, ['seq', 'hash']);
  let [head] = await bump();
  if (!head) {
    // A union's first entry: concurrent first writers meet at the primary key.
    await trx('audit_heads').insert({ union_slug: unionSlug, seq: 0, hash: GENESIS_HASH }).onConflict('union_slug').ignore();
    [head] = await bump();
  }
  return { seq: Number(head.seq), prevHash: head.hash };
}

export async function listAudit(
  db: Database,
  unionSlug: string,
  filter: { target?: string; action?: string; limit?: number } = {},
): Promise<AuditRecord[]> {
  const query = db('audit_log').where({ union_slug: unionSlug }).orderBy('id', 'desc').limit(filter.limit ?? 100);
  if (filter.target) query.andWhere({ target: filter.target });
  if (filter.action) query.andWhere({ action: filter.action });
  const rows = await query;
  return rows.map((r) => ({
    id: Number(r.id), at: r.at, unionSlug: r.union_slug, actor: r.actor, action: r.action,
    target: r.target, outcome: r.outcome, ip: r.ip, detail: JSON.parse(r.detail),
  }));
}
