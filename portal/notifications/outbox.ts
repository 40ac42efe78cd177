import { EventEmitter } from 'node:events';
import type { Knex } from 'knex';
import type { NotificationKind } from './notification-settings.js';

/**
 * Who a notification is for, as the union addresses its members (portal_members' card). The worker
 * turns it into addresses when it expands the batch, so settings and e-mail addresses count as they
 * are then, and the caller's transaction writes one small row whatever the audience's size.
 */
export type NotificationAudience =
  /** Every portal member of these households (a claim import). */
  | { households: Array<{ kigo: string; bango: string }> }
  /** A notice's audience: 全員, 被保険者 (本人) or 被扶養者 (家族). */
  | { relation: 'all' | '本人' | '家族' }
  /** One person (a MY mail). */
  | { card: { kigo: string; bango: string; edaban: string } };

export interface NotificationRequest {
  unionSlug: string;
  kind: NotificationKind;
  /** What caused it, for the admin API (a notice id, a MY mail id, an import); never its content. */
  ref: string;
  audience: NotificationAudience;
  /** Epoch ms before which nobody is told (a notice published for later); absent: at once. */
  notBefore?: number;
}

/** Tells this process's worker that a batch was committed, so it need not wait for its next poll. */
export const notificationQueued = new EventEmitter();

/**
 * Owes the mails of one event: writes one batch row in the transaction that records the event (the
 * import, the publication), so the event and its mails commit together or not at all. The worker is
 * woken when that transaction commits; a batch committed by another process (the import CLI) is
 * found at the worker's next poll.
 */
export async function queueNotification(trx: Knex.Transaction, request: NotificationRequest): Promise<{ batchId: number }> {
  const [row] = await trx('notification_batches').insert({
    union_slug: request.unionSlug,
    kind: request.kind,
    ref: request.ref.slice(0, 255),
    audience: JSON.stringify(request.audience),
    created_at: Date.now(),
    not_before: request.notBefore ?? null,
  }, ['id']);
  afterCommit(trx, () => notificationQueued.emit('queued'));
  return { batchId: Number((row as { id: number }).id) };
}

/**
 * Takes back the mails of an event not yet sent to anyone (a scheduled notice withdrawn or moved):
 * deletes its batches no worker has expanded. Returns how many it took back; mails of a batch
 * already expanded stay owed, since someone may have been told.
 */
export async function cancelNotification(trx: Knex.Transaction, unionSlug: string, ref: string): Promise<number> {
  return trx('notification_batches').where({ union_slug: unionSlug, ref }).whereNull('expanded_at').delete();
}

/** Runs `then` once the outermost transaction around `trx` has committed (never after a rollback). */
function afterCommit(trx: Knex.Transaction, then: () => void): void {
  let outermost = trx;
  while (outermost.parentTransaction) outermost = outermost.parentTransaction;
  outermost.executionPromise.then(then, () => { /* rolled back: nothing was queued */ });
}
