import crypto from 'node:crypto';
import type { Database } from '../../migrations/database.js';

/** The backchannel_deliveries table: logout tokens owed to relying parties, and how each went. */

export interface DeliveryRequest {
  unionSlug: string;
  clientId: string;
  sub: string;
  sid: string;
}

export interface Delivery extends DeliveryRequest {
  id: string;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  createdAt: number;
  deliveredAt: number | null;
  abandonedAt: number | null;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'abandoned';

const fromRow = (row: Record<string, unknown>): Delivery => ({
  id: String(row.id),
  unionSlug: String(row.union_slug),
  clientId: String(row.client_id),
  sub: String(row.sub),
  sid: String(row.sid),
  attempts: Number(row.attempts),
  nextAttemptAt: Number(row.next_attempt_at),
  lastError: (row.last_error as string | null) ?? null,
  createdAt: Number(row.created_at),
  deliveredAt: row.delivered_at == null ? null : Number(row.delivered_at),
  abandonedAt: row.abandoned_at == null ? null : Number(row.abandoned_at),
});

export const statusOf = (d: Delivery): DeliveryStatus => (d.deliveredAt ? 'delivered' : d.abandonedAt ? 'abandoned' : 'pending');

/** Queues deliveries, due now. */
export async function enqueueDeliveries(db: Database, requests: DeliveryRequest[]): Promise<number> {
  if (requests.length === 0) return 0;
  const now = Date.now();
  await db('backchannel_deliveries').insert(requests.map((r) => ({
    id: crypto.randomUUID(), union_slug: r.unionSlug, client_id: r.clientId, sub: r.sub, sid: r.sid,
    attempts: 0, next_attempt_at: now, created_at: now,
  })));
  return requests.length;
}

/**
 * Claims up to `limit` due deliveries for one attempt each: a conditional UPDATE per row (it still has
 * the due time we read) moves the due time ahead by `leaseMs` and counts the attempt, so of several
 * IdP processes on one database exactly one wins a row. A process that dies mid-attempt leaves a row
 * that is due again when the lease ends.
 */
export async function claimDueDeliveries(db: Database, options: { limit: number; leaseMs: number }): Promise<Delivery[]> {
  const now = Date.now();
  const due = (await db('backchannel_deliveries').whereNull('delivered_at').whereNull('abandoned_at')
    .where('next_attempt_at', '<=', now).orderBy('next_attempt_at').limit(options.limit)).map(fromRow);
  const claimed: Delivery[] = [];
  for (const d of due) {
    const won = await db('backchannel_deliveries').where({ id: d.id, next_attempt_at: d.nextAttemptAt }).whereNull('delivered_at')
      .update({ next_attempt_at: now + options.leaseMs, attempts: d.attempts + 1 });
    if (won === 1) claimed.push({ ...d, attempts: d.attempts + 1, nextAttemptAt: now + options.leaseMs });
  }
  return claimed;
}

export async function markDelivered(db: Database, id: string): Promise<void> {
  await db('backchannel_deliveries').where({ id }).update({ delivered_at: Date.now(), last_error: null });
}

/** A failed attempt: due again at `retryAt`, or given up for good when `retryAt` is undefined. */
export async function markFailed(db: Database, id: string, error: string, retryAt: number | undefined): Promise<void> {
  await db('backchannel_deliveries').where({ id }).update(retryAt === undefined
    ? { last_error: error.slice(0, 2000), abandoned_at: Date.now() }
    : { last_error: error.slice(0, 2000), next_attempt_at: retryAt });
}

/** A client's deliveries, newest first (the admin API). */
export async function listDeliveries(
  db: Database,
  unionSlug: string,
  filter: { clientId: string; status?: DeliveryStatus; limit?: number },
): Promise<Delivery[]> {
  const query = db('backchannel_deliveries').where({ union_slug: unionSlug, client_id: filter.clientId })
    .orderBy('created_at', 'desc').orderBy('id').limit(filter.limit ?? 100);
  if (filter.status === 'delivered') query.whereNotNull('delivered_at');
  if (filter.status === 'abandoned') query.whereNotNull('abandoned_at');
  if (filter.status === 'pending') query.whereNull('delivered_at').whereNull('abandoned_at');
  return (await query).map(fromRow);
}
