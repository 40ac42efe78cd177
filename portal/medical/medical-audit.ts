import type { Request } from 'express';
import { recordAudit, type AuditEntry } from '../../audit/audit-log.js';
import type { Database } from '../../migrations/database.js';

export interface MedicalAuditEntry {
  unionSlug: string;
  /** The member's subject (account id). */
  sub: string;
  /** householdKey() of whose data it was; null when the token was refused before that was known. */
  household: string | null;
  /** `medical.view.month`, `medical.token.rejected`… */
  action: string;
  outcome: AuditEntry['outcome'];
  detail: Record<string, unknown>;
}

/** Every look at medical data, and every refusal, goes to the union's audit log (SPEC §4.8). */
export function auditMedical(db: Database, req: Request, entry: MedicalAuditEntry): Promise<void> {
  return recordAudit(db, {
    unionSlug: entry.unionSlug, actor: `member:${entry.sub}`, action: entry.action, target: entry.household,
    outcome: entry.outcome, ip: req.ip ?? null, detail: entry.detail,
  });
}
