import type { Database } from '../../migrations/database.js';
import { recordAudit } from '../../audit/audit-log.js';
import type { IdpConfig } from '../config.js';
import { outboxQueued, sendLogoutToken } from './backchannel-logout.js';
import { claimDueDeliveries, markDelivered, markFailed, type Delivery } from './backchannel-outbox.js';
import { asBackchannelDelivery } from './outgoing-requests.js';
import type { ProviderRegistry } from './provider-registry.js';

const POLL_MS = 1000;
/** Longer than one attempt (oidc-provider aborts a request after 2.5 s), so a live attempt keeps its row. */
const LEASE_MS = 30_000;
const MAX_DELAY_MS = 60 * 60 * 1000;

/** Delay before attempt n+1 after n failed ones: base, doubling, capped at an hour. */
export function retryDelay(baseMs: number, failedAttempts: number): number {
  return Math.min(baseMs * 2 ** (failedAttempts - 1), MAX_DELAY_MS);
}

export interface BackchannelWorker {
  stop(): Promise<void>;
}

/**
 * Delivers the outbox: claims due rows (safe with several IdP processes), sends each logout token,
 * and records the outcome on the row and in the audit log. Started by idp/main.ts.
 */
export function startBackchannelWorker(deps: { db: Database; registry: ProviderRegistry; retry: IdpConfig['backchannelRetry'] }): BackchannelWorker {
  const { db, registry, retry } = deps;
  let stopped = false;
  let running: Promise<void> | undefined;
  let again = false;

  async function deliver(d: Delivery): Promise<void> {
    const issuer = await registry.get(d.unionSlug);
    let error: string | undefined;
    try {
      if (!issuer) throw new Error(`union ${d.unionSlug} no longer exists`);
      const result = await asBackchannelDelivery(() => sendLogoutToken(issuer.provider, d.clientId, d.sub, d.sid));
      if (result === 'no_uri') error = 'the client no longer has a backchannel_logout_uri';
    } catch (err) {
      const cause = (err as { cause?: Error }).cause;
      error = [(err as Error).message, cause?.message].filter(Boolean).join(': ');
    }
    const base = { deliveryId: d.id, clientId: d.clientId, sid: d.sid, attempt: d.attempts };
    if (error === undefined) {
      await markDelivered(db, d.id);
      await recordAudit(db, { unionSlug: d.unionSlug, actor: 'system', action: 'backchannel.delivery', target: d.sub, outcome: 'success', detail: base });
      return;
    }
    const retryAt = d.attempts < retry.maxAttempts && issuer ? Date.now() + retryDelay(retry.baseDelayMs, d.attempts) : undefined;
    await markFailed(db, d.id, error, retryAt);
    await recordAudit(db, {
      unionSlug: d.unionSlug, actor: 'system', action: 'backchannel.delivery', target: d.sub, outcome: 'failure',
      detail: { ...base, error, ...(retryAt ? { retryAt } : { abandoned: true }) },
    });
    console.warn(`[idp:${d.unionSlug}] back-channel logout to ${d.clientId} failed (attempt ${d.attempts}${retryAt ? '' : ', giving up'}): ${error}`);
  }

  async function tick(): Promise<void> {
    do {
      again = false;
      const due = await claimDueDeliveries(db, { limit: 20, leaseMs: LEASE_MS });
      await Promise.all(due.map((d) => deliver(d).catch((err) => console.error('[idp] back-channel delivery not recorded', err))));
      if (due.length === 20) again = true;
    } while (again && !stopped);
  }

  const run = () => {
    if (stopped) return;
    if (running) { again = true; return; }
    running = tick().catch((err) => console.error('[idp] back-channel worker', (err as Error).message)).finally(() => { running = undefined; });
  };
  const timer = setInterval(run, POLL_MS);
  outboxQueued.on('queued', run);
  run();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      outboxQueued.off('queued', run);
      await running;
    },
  };
}
