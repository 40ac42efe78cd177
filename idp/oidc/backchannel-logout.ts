import type Provider from 'oidc-provider';
import type { EndedSession } from '../accounts/sessions.js';

/** Present at runtime (lib/models/client.js), missing from @types/oidc-provider. */
interface BackchannelClient { backchannelLogout(sub: string, sid: string): Promise<void> }

/**
 * Sessions we end ourselves (the console's sign-out, an admin, an MFA reset) are not ended through
 * oidc-provider's end_session endpoint, so its back-channel logout does not run for them: tell each
 * relying party that registered a `backchannel_logout_uri` here, with the same logout token
 * (oidc-provider's Client#backchannelLogout). A relying party that is down must not block the
 * member's sign-out: failures are logged and reported, never thrown.
 */
export async function logoutRelyingParties(provider: Provider, ended: Array<EndedSession | undefined>): Promise<{ notified: number; failed: number }> {
  const deliveries: Array<Promise<unknown>> = [];
  for (const session of ended) {
    if (!session) continue;
    for (const [clientId, { sid }] of Object.entries(session.authorizations)) {
      deliveries.push(provider.Client.find(clientId).then((client) => {
        if (!client?.backchannelLogoutUri) return 'skipped';
        return (client as unknown as BackchannelClient).backchannelLogout(session.accountId, sid ?? '').then(() => 'notified');
      }));
    }
  }
  const results = await Promise.allSettled(deliveries);
  for (const r of results) if (r.status === 'rejected') console.warn('[idp] back-channel logout failed', (r.reason as Error)?.message);
  return {
    notified: results.filter((r) => r.status === 'fulfilled' && r.value === 'notified').length,
    failed: results.filter((r) => r.status === 'rejected').length,
  };
}
