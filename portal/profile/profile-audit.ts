import type { Request } from 'express';
import { recordAudit, type AuditEntry } from '../../audit/audit-log.js';
import type { Database } from '../../migrations/database.js';

/**
 * A member's change to their own profile, in the union's audit log: what changed (which fields, a
 * new avatar version, a refused upload's reason), never what the nickname or introduction says.
 */
export function auditProfile(
  db: Database,
  req: Request,
  entry: { unionSlug: string; sub: string; action: `profile.${string}`; outcome: AuditEntry['outcome']; detail?: Record<string, unknown> },
): Promise<void> {
  return recordAudit(db, {
    unionSlug: entry.unionSlug, actor: `member:${entry.sub}`, action: entry.action, target: entry.sub,
    outcome: entry.outcome, ip: req.ip ?? null, detail: entry.detail,
  });
}
