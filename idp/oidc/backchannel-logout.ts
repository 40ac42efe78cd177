import { EventEmitter } from 'node:events';
import type Provider from 'oidc-provider';
import type { Database } from '../../migrations/database.js';
import type { EndedSession } from '../accounts/sessions.js';
import type { SecretBox } from '../security/encryption.js';
import { KnexAdapter } from './adapter.js';
import { enqueueDeliveries, type DeliveryRequest } from './backchannel-outbox.js';

/** Present at runtime (lib/models/client.js), missing from @types/oidc-provider. */
type SendLogoutToken = (this: { clientId: string }, sub: string, sid: string) => Promise<void>;
interface BackchannelClient { clientId: string; backchannelLogoutUri?: string; backchannelLogout: SendLogoutToken }

interface OutboxBinding { unionSlug: string; box: SecretBox; send: SendLogoutToken }
const bindings = new WeakMap<Provider, OutboxBinding>();

/** Tells this process's worker that deliveries were queued, so it need not wait for its next poll. */
export const outboxQueued = new EventEmitter();

/**
 * Every back-channel logout goes through the outbox (backchannel-outbox.ts), delivered by the
 * worker with retries. The provider's Client class is its own per instance: replacing its
 * backchannelLogout makes oidc-provider's end_session queue too, without patching the library;
 * the worker calls the original (sendLogoutToken), which builds and signs the logout token.
 */
export function routeBackchannelThroughOutbox(provider: Provider, db: Database, unionSlug: string, box: SecretBox): void {
  const proto = provider.Client.prototype as unknown as BackchannelClient;
  const binding: OutboxBinding = { unionSlug, box, send: proto.backchannelLogout };
  bindings.set(provider, binding);
  proto.backchannelLogout = async function queue(this: { clientId: string }, sub: string, sid: string) {
    await enqueueDeliveries(db, [{ unionSlug, clientId: this.clientId, sub, sid: sid ?? '' }]);
    outboxQueued.emit('queued');
  };
}

/** The worker's send: oidc-provider's own logout token to the client's backchannel_logout_uri. */
export async function sendLogoutToken(provider: Provider, clientId: string, sub: string, sid: string): Promise<'sent' | 'no_uri'> {
  const binding = bindings.get(provider);
  if (!binding) throw new Error('back-channel outbox not installed on this provider');
  const client = await provider.Client.find(clientId) as unknown as BackchannelClient | undefined;
  if (!client?.backchannelLogoutUri) return 'no_uri';
  await binding.send.call(client, sub, sid);
  return 'sent';
}

/**
 * Sessions we end ourselves (the console's sign-out, an admin, an MFA reset) do not pass through
 * oidc-provider's end_session: queue a delivery for each relying party with a back-channel URI that
 * the sessions signed in to, in the transaction that ends them, so the sessions end and the logouts
 * are owed together or not at all. Client metadata is read through that transaction (a lookup through
 * the provider would wait for it on SQLite's one connection). Call wakeBackchannelWorker() after
 * the commit; the worker delivers, retries and audits.
 */
export async function queueBackchannelLogouts(trx: Database, provider: Provider, ended: Array<EndedSession | undefined>): Promise<{ queued: number }> {
  const binding = bindings.get(provider);
  if (!binding) throw new Error('back-channel outbox not installed on this provider');
  const clients = new KnexAdapter(trx, binding.unionSlug, 'Client', binding.box);
  const requests: DeliveryRequest[] = [];
  for (const session of ended) {
    if (!session) continue;
    for (const [clientId, { sid }] of Object.entries(session.authorizations)) {
      const metadata = await clients.find(clientId);
      if (metadata?.backchannel_logout_uri) requests.push({ unionSlug: binding.unionSlug, clientId, sub: session.accountId, sid: sid ?? '' });
    }
  }
  return { queued: await enqueueDeliveries(trx, requests) };
}

/** Tells this process's worker, after a commit, that deliveries were queued (it would find them at its next poll anyway). */
export function wakeBackchannelWorker(queued: { queued: number }): void {
  if (queued.queued) outboxQueued.emit('queued');
}
