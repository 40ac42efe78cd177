import type { Database } from '../../migrations/database.js';

/** A batch as the admin API shows it: what caused it and how far sending has come. */
export interface NotificationSend {
  id: number;
  kind: string;
  ref: string;
  createdAt: number;
  expandedAt: number | null;
  /** queued: recipients not known yet; sending: some mails still to go; done: every mail sent or failed. */
  state: 'queued' | 'sending' | 'done';
  recipients: { total: number; sent: number; failed: number; pending: number };
}

export interface FailedDelivery {
  sub: string;
  attempts: number;
  lastError: string | null;
}

type Counts = NotificationSend['recipients'];

async function countsOf(db: Database, batchIds: number[]): Promise<Map<number, Counts>> {
  const counts = new Map<number, Counts>(batchIds.map((id) => [id, { total: 0, sent: 0, failed: 0, pending: 0 }]));
  if (batchIds.length === 0) return counts;
  const rows: Array<{ batch_id: number; state: string; n: number | string }> = await db('notification_deliveries')
    .whereIn('batch_id', batchIds).groupBy('batch_id', 'state').select('batch_id', 'state').count({ n: '*' });
  for (const row of rows) {
    const c = counts.get(Number(row.batch_id))!;
    const n = Number(row.n);
    c.total += n;
    if (row.state === 'sent') c.sent += n;
    else if (row.state === 'failed') c.failed += n;
    else c.pending += n; // pending or sending
  }
  return counts;
}

function toSend(row: Record<string, unknown>, counts: Counts): NotificationSend {
  const expandedAt = row.expanded_at == null ? null : Number(row.expanded_at);
  return {
    id: Number(row.id), kind: String(row.kind), ref: String(row.ref), createdAt: Number(row.created_at), expandedAt,
    state: expandedAt === null ? 'queued' : counts.pending > 0 ? 'sending' : 'done',
    recipients: counts,
  };
}

/** The union's batches, newest first. */
export async function listNotificationSends(db: Database, unionSlug: string, options: { limit: number; kind?: string }): Promise<NotificationSend[]> {
  const rows: Array<Record<string, unknown>> = await db('notification_batches').where({ union_slug: unionSlug })
    .modify((q) => { if (options.kind) q.andWhere({ kind: options.kind }); })
    .orderBy('id', 'desc').limit(options.limit);
  const counts = await countsOf(db, rows.map((r) => Number(r.id)));
  return rows.map((r) => toSend(r, counts.get(Number(r.id))!));
}

/** One batch of the union, with the members whose mail failed for good and the server's last word. */
export async function findNotificationSend(
  db: Database,
  unionSlug: string,
  id: number,
): Promise<(NotificationSend & { failures: FailedDelivery[] }) | undefined> {
  const row = await db('notification_batches').where({ union_slug: unionSlug, id }).first();
  if (!row) return undefined;
  const counts = await countsOf(db, [id]);
  const failed: Array<{ sub: string; attempts: number; last_error: string | null }> = await db('notification_deliveries')
    .where({ batch_id: id, state: 'failed' }).orderBy('sub').limit(100).select('sub', 'attempts', 'last_error');
  return {
    ...toSend(row, counts.get(id)!),
    failures: failed.map((f) => ({ sub: f.sub, attempts: Number(f.attempts), lastError: f.last_error })),
  };
}
