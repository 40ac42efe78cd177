import type { Database } from '../../migrations/database.js';
import type { Mailer } from '../../mail/mailer.js';
import type { PortalMailConfig, PortalUnion } from '../config.js';
import { composeNotificationMail } from './notification-mail.js';
import {
  claimNextDelivery, expandBatch, markAttemptFailed, markSent, renewLease, unexpandedBatches, type Delivery,
} from './notification-deliveries.js';
import { notificationQueued } from './outbox.js';

const POLL_MS = 3000;
const MAX_DELAY_MS = 60 * 60 * 1000;

/** Delay before attempt n+1 after n failed ones: base, doubling, capped at an hour. */
export function retryDelay(baseMs: number, failedAttempts: number): number {
  return Math.min(baseMs * 2 ** (failedAttempts - 1), MAX_DELAY_MS);
}

/** An SMTP reply 5xx is the server's final word (no such mailbox, refused): trying again will not help. */
const permanent = (err: unknown): boolean => {
  const code = (err as { responseCode?: unknown }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
};

/** Spaces the starts of sends so this process sends at most `perSecond` mails a second. */
function pacer(perSecond: number) {
  const gapMs = 1000 / perSecond;
  let nextAt = 0;
  return async (): Promise<void> => {
    const now = Date.now();
    const at = Math.max(now, nextAt);
    nextAt = at + gapMs;
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
  };
}

export interface NotificationWorker {
  /** Starts polling (and listening for batches this process commits). */
  start(): void;
  /** Stops after the attempt in flight has recorded its outcome; the rest waits in the outbox. */
  stop(): Promise<void>;
}

export interface NotificationWorkerDeps {
  db: Database;
  unions: PortalUnion[];
  /** The portal's public origin, for the links in the mails. */
  baseUrl: string;
  mailer: Mailer;
  mail: Pick<PortalMailConfig, 'ratePerSecond' | 'maxAttempts' | 'retryBaseMs' | 'leaseMs'>;
}

/**
 * Sends notification mails from the outbox, inside the portal process (portal/main.ts starts it):
 * expands batches into deliveries, then sends them one at a time at the configured pace.
 *
 * Crash semantics. A delivery is marked 'sending' with a lease before the SMTP conversation starts
 * and 'sent' once the server has accepted the mail; while the conversation lasts the lease is
 * renewed. A process killed mid-conversation leaves the row 'sending' until the lease runs out; the
 * server never accepted that mail (acceptance is its reply to the end of DATA, which the dead
 * process never read), so the retry by any process is no duplicate. What remains is the instant
 * between the server's acceptance and our UPDATE to 'sent': a crash exactly there sends the mail
 * again. Every attempt of a delivery carries the same Message-ID (from the delivery's id), so a
 * receiving system that de-duplicates by Message-ID drops that repeat; we accept this window rather
 * than risk losing mail (at-least-once, with a stable id).
 */
export function createNotificationWorker(deps: NotificationWorkerDeps): NotificationWorker {
  const { db, mailer, mail } = deps;
  const unions = new Map(deps.unions.map((u) => [u.slug, u]));
  const pace = pacer(mail.ratePerSecond);
  let stopped = false;
  let started = false;
  let running: Promise<void> | undefined;
  let again = false;
  let timer: NodeJS.Timeout | undefined;

  async function deliver(d: Delivery): Promise<void> {
    const union = unions.get(d.unionSlug);
    if (!union) {
      await markAttemptFailed(db, d, `union ${d.unionSlug} is no longer in PORTAL_UNIONS`, undefined);
      return;
    }
    // Keep the lease while the conversation lasts: only a process that stopped loses it.
    const heartbeat = setInterval(() => {
      void renewLease(db, d, mail.leaseMs).then((held) => {
        if (!held) console.warn(`[portal:${d.unionSlug}] notification ${d.id}: the lease was lost mid-send; another process may send it again`);
      }, (err) => console.error('[portal] notification lease not renewed', err));
    }, Math.max(250, Math.floor(mail.leaseMs / 3)));
    try {
      const message = await composeNotificationMail({ union, baseUrl: deps.baseUrl, kind: d.kind, locale: d.locale, to: d.email, deliveryId: d.id });
      await mailer.send(message);
    } catch (err) {
      clearInterval(heartbeat);
      const error = (err as Error).message || String(err);
      const retryAt = !permanent(err) && d.attempts < mail.maxAttempts ? Date.now() + retryDelay(mail.retryBaseMs, d.attempts) : undefined;
      await markAttemptFailed(db, d, error, retryAt);
      console.warn(`[portal:${d.unionSlug}] notification mail ${d.id} (batch ${d.batchId}) failed, attempt ${d.attempts}${retryAt ? '' : ', giving up'}: ${error}`);
      return;
    }
    clearInterval(heartbeat);
    await markSent(db, d);
  }

  async function expandAll(): Promise<void> {
    for (const id of await unexpandedBatches(db, 20)) {
      if (stopped) return;
      await expandBatch(db, id);
    }
  }

  async function tick(): Promise<void> {
    do {
      again = false;
      await expandAll();
      while (!stopped) {
        await pace();
        if (stopped) break;
        const d = await claimNextDelivery(db, { leaseMs: mail.leaseMs, maxAttempts: mail.maxAttempts });
        if (!d) break;
        await deliver(d);
      }
    } while (again && !stopped);
  }

  const run = () => {
    if (stopped) return;
    if (running) { again = true; return; }
    running = tick().catch((err) => console.error('[portal] notification worker', err)).finally(() => { running = undefined; });
  };

  return {
    start() {
      if (started) return;
      started = true;
      timer = setInterval(run, POLL_MS);
      notificationQueued.on('queued', run);
      run();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      notificationQueued.off('queued', run);
      await running;
    },
  };
}
