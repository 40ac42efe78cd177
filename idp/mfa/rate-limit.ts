import type { Database } from '../../migrations/database.js';

export interface Limit { max: number; windowMs: number }

/** Code checks per account and per client address: a fixed window counter in the database (shared by all processes). */
// The account budget stays above the lockout threshold, so the lockout (not the limiter) ends guessing.
export const CODE_CHECK_LIMITS = {
  account: { max: 15, windowMs: 5 * 60_000 },
  ip: { max: 100, windowMs: 5 * 60_000 },
} satisfies Record<string, Limit>;

/** Counts one attempt under `key`; false when the window's budget is spent. */
export async function takeAttempt(db: Database, key: string, limit: Limit, now = Date.now()): Promise<boolean> {
  const windowStart = now - (now % limit.windowMs);
  // One statement counts and reads back the count (RETURNING: SQLite ≥ 3.35 and PostgreSQL).
  const [row] = await db('rate_limits').insert({ key, window_start: windowStart, count: 1 })
    .onConflict(['key', 'window_start']).merge({ count: db.raw('rate_limits.count + 1') })
    .returning('count');
  return Number((row as { count: number | string }).count) <= limit.max;
}

/** As takeAttempt, but says how long to wait (in seconds) when the budget is spent; 0 when within it. */
export async function takeAttemptOrWait(db: Database, key: string, limit: Limit, now = Date.now()): Promise<number> {
  if (await takeAttempt(db, key, limit, now)) return 0;
  return Math.ceil((now - (now % limit.windowMs) + limit.windowMs - now) / 1000);
}

export async function purgeRateLimits(db: Database, now = Date.now()): Promise<void> {
  await db('rate_limits').where('window_start', '<', now - 24 * 60 * 60_000).delete();
}
