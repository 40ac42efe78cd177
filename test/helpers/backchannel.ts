import type { Database } from '../../migrations/database.js';

/**
 * Back-channel logout is delivered by the outbox worker, a moment after the session ends: waits until
 * every queued delivery has had its first attempt finished (delivered, or failed with an error).
 */
export async function settleBackchannel(db: Database, timeoutMs = 10_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; ;) {
    const open = await db('backchannel_deliveries').whereNull('delivered_at').whereNull('last_error').count({ n: '*' }).first();
    if (Number(open?.n ?? 0) === 0) return;
    if (Date.now() > deadline) throw new Error(`back-channel deliveries still unattempted after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
