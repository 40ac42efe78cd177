import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { DEFAULT_LOCALE, supportedLocale, type Locale } from '../../i18n/locale.js';
import type { Database } from '../../migrations/database.js';
import { isNotificationKind, type NotificationKind } from './notification-settings.js';
import type { NotificationAudience } from './outbox.js';

/**
 * The outbox's tables as the worker uses them: batches expanded into one delivery per address, and
 * deliveries claimed, leased and settled. Safe with several portal processes on one database: every
 * change of hands is a conditional UPDATE that only one process can win.
 */

export type DeliveryState = 'pending' | 'sending' | 'sent' | 'failed';

export interface Delivery {
  id: string;
  batchId: number;
  unionSlug: string;
  kind: NotificationKind;
  sub: string;
  email: string;
  locale: Locale;
  state: DeliveryState;
  attempts: number;
  /** pending: due time; sending: end of the lease. */
  nextAttemptAt: number;
}

interface Batch {
  id: number;
  unionSlug: string;
  kind: string;
  audience: NotificationAudience;
}

// Card pairs per statement (SQLite caps a compound statement's terms), rows per insert.
const CHUNK = 300;

const chunks = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/** Batches due that no worker has expanded yet, oldest first. */
export async function unexpandedBatches(db: Database, limit: number, now = Date.now()): Promise<number[]> {
  const rows: Array<{ id: number }> = await db('notification_batches').whereNull('expanded_at')
    .andWhere((q) => { q.whereNull('not_before').orWhere('not_before', '<=', now); })
    .orderBy('id').limit(limit).select('id');
  return rows.map((r) => Number(r.id));
}

interface Recipient { sub: string; email: string; locale: string | null }

/** The portal members a batch is for who have an e-mail address and this kind of mail switched on. */
async function recipientsOf(trx: Knex.Transaction, batch: Batch & { kind: NotificationKind }): Promise<Recipient[]> {
  const base = () => trx('portal_members as m')
    .leftJoin('notification_settings as s', (join) => { join.on('s.union_slug', 'm.union_slug').andOn('s.sub', 'm.sub'); })
    .where('m.union_slug', batch.unionSlug)
    .whereNotNull('m.email').andWhere('m.email', '<>', '')
    .andWhere((q) => { q.whereNull('s.sub').orWhere(`s.${batch.kind}`, true); })
    .select('m.sub', 'm.email', 'm.locale')
    .orderBy('m.sub');
  const audience = batch.audience;
  if ('households' in audience) {
    const found: Recipient[] = [];
    for (const chunk of chunks(audience.households, CHUNK)) {
      found.push(...await base().whereIn(['m.kigo', 'm.bango'], chunk.map((h) => [h.kigo, h.bango])));
    }
    return found;
  }
  if ('relation' in audience) {
    return audience.relation === 'all' ? base() : base().andWhere('m.relation', audience.relation);
  }
  const { kigo, bango, edaban } = audience.card;
  return base().andWhere({ 'm.kigo': kigo, 'm.bango': bango, 'm.edaban': edaban });
}

/**
 * Expands one batch in one transaction: marks it expanded (only one process can: the UPDATE is
 * conditional) and writes a pending delivery per address, in the language of the first member
 * with it. Settings and addresses are read now, so a member who opts out before this gets nothing.
 * Returns the number of deliveries, or undefined when another process had expanded it already.
 */
export async function expandBatch(db: Database, batchId: number): Promise<number | undefined> {
  return db.transaction(async (trx) => {
    const now = Date.now();
    const won = await trx('notification_batches').where({ id: batchId }).whereNull('expanded_at').update({ expanded_at: now });
    if (won !== 1) return undefined;
    const row = await trx('notification_batches').where({ id: batchId }).first();
    const batch: Batch = { id: Number(row.id), unionSlug: row.union_slug, kind: row.kind, audience: JSON.parse(row.audience) };
    if (!isNotificationKind(batch.kind)) {
      // Not written by queueNotification: nothing to send, and nothing for the next poll to retry.
      console.error(`[portal:${batch.unionSlug}] notification batch ${batchId} has an unknown kind "${batch.kind}"; skipped`);
      await trx('notification_batches').where({ id: batchId }).update({ recipients: 0 });
      return 0;
    }
    const byAddress = new Map<string, Recipient>();
    for (const r of await recipientsOf(trx, { ...batch, kind: batch.kind })) {
      const address = r.email.trim().toLowerCase();
      if (!byAddress.has(address)) byAddress.set(address, r);
    }
    const deliveries = [...byAddress].map(([email, r]) => ({
      id: crypto.randomUUID(), batch_id: batchId, union_slug: batch.unionSlug, sub: r.sub, email,
      locale: supportedLocale(r.locale) ?? DEFAULT_LOCALE, state: 'pending', attempts: 0, next_attempt_at: now,
    }));
    for (const chunk of chunks(deliveries, CHUNK)) await trx('notification_deliveries').insert(chunk);
    await trx('notification_batches').where({ id: batchId }).update({ recipients: deliveries.length });
    return deliveries.length;
  });
}

const fromRow = (row: Record<string, unknown>): Delivery => ({
  id: String(row.id),
  batchId: Number(row.batch_id),
  unionSlug: String(row.union_slug),
  kind: row.kind as NotificationKind,
  sub: String(row.sub),
  email: String(row.email),
  locale: supportedLocale(row.locale as string) ?? DEFAULT_LOCALE,
  state: row.state as DeliveryState,
  attempts: Number(row.attempts),
  nextAttemptAt: Number(row.next_attempt_at),
});

export interface ClaimOptions {
  leaseMs: number;
  maxAttempts: number;
}

/**
 * Takes the next due delivery for one attempt: a pending one whose time has come, or one whose
 * sender's lease ran out (that process died or hung mid-attempt). The conditional UPDATE (the row
 * still has the attempts, state and due time we read) marks it 'sending' with a lease and counts
 * the attempt, so of several processes exactly one wins it. A lapsed delivery that already had
 * its last attempt is settled as failed instead. Undefined when nothing is due.
 */
export async function claimNextDelivery(db: Database, options: ClaimOptions): Promise<Delivery | undefined> {
  for (;;) {
    const now = Date.now();
    const due = (await db('notification_deliveries as d').join('notification_batches as b', 'b.id', 'd.batch_id')
      .whereIn('d.state', ['pending', 'sending']).andWhere('d.next_attempt_at', '<=', now)
      .orderBy('d.next_attempt_at').orderBy('d.id').limit(10)
      .select('d.*', 'b.kind')).map(fromRow);
    if (due.length === 0) return undefined;
    for (const d of due) {
      const unchanged = { id: d.id, state: d.state, attempts: d.attempts, next_attempt_at: d.nextAttemptAt };
      if (d.attempts >= options.maxAttempts) {
        await db('notification_deliveries').where(unchanged)
          .update({ state: 'failed', last_error: 'the last attempt ended without an answer (the sending process stopped)' });
        continue;
      }
      const lease = now + options.leaseMs;
      const won = await db('notification_deliveries').where(unchanged)
        .update({ state: 'sending', attempts: d.attempts + 1, next_attempt_at: lease });
      if (won === 1) return { ...d, state: 'sending', attempts: d.attempts + 1, nextAttemptAt: lease };
    }
    // Every candidate went to another process (or failed for good): look again.
  }
}

/** The attempt `d` still holds the delivery (nobody took it over after a lapsed lease). */
const held = (db: Database, d: Delivery) => db('notification_deliveries').where({ id: d.id, state: 'sending', attempts: d.attempts });

/** A live attempt keeps its lease while the SMTP conversation lasts; false if it was lost. */
export async function renewLease(db: Database, d: Delivery, leaseMs: number): Promise<boolean> {
  return (await held(db, d).update({ next_attempt_at: Date.now() + leaseMs })) === 1;
}

/** The server accepted the mail. Whatever else happened to the row meanwhile, it has been sent. */
export async function markSent(db: Database, d: Delivery): Promise<void> {
  await db('notification_deliveries').where({ id: d.id }).update({ state: 'sent', sent_at: Date.now(), last_error: null });
}

/** A failed attempt: pending again at `retryAt`, or failed for good when `retryAt` is undefined. */
export async function markAttemptFailed(db: Database, d: Delivery, error: string, retryAt: number | undefined): Promise<void> {
  await held(db, d).update(retryAt === undefined
    ? { state: 'failed', last_error: error.slice(0, 2000) }
    : { state: 'pending', next_attempt_at: retryAt, last_error: error.slice(0, 2000) });
}
