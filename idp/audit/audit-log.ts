import type { Database } from '../../migrations/database.js';

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

/** Appends to the audit log (the table itself refuses updates and deletes). */
export async function recordAudit(db: Database, entry: AuditEntry): Promise<void> {
  await db('audit_log').insert({
    union_slug: entry.unionSlug,
    at: Date.now(),
    actor: entry.actor,
    action: entry.action,
    target: entry.target ?? null,
    outcome: entry.outcome,
    ip: entry.ip ?? null,
    detail: JSON.stringify(entry.detail ?? {}),
  });
}

export async function listAudit(
  db: Database,
  unionSlug: string,
  filter: { target?: string; limit?: number } = {},
): Promise<AuditRecord[]> {
  const query = db('audit_log').where({ union_slug: unionSlug }).orderBy('id', 'desc').limit(filter.limit ?? 100);
  if (filter.target) query.andWhere({ target: filter.target });
  const rows = await query;
  return rows.map((r) => ({
    id: Number(r.id), at: r.at, unionSlug: r.union_slug, actor: r.actor, action: r.action,
    target: r.target, outcome: r.outcome, ip: r.ip, detail: JSON.parse(r.detail),
  }));
}
