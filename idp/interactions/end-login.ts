import type { UnionContext } from '../http/context.js';
import { queueBackchannelLogouts, wakeBackchannelWorker } from '../oidc/backchannel-logout.js';

type Interaction = Awaited<ReturnType<UnionContext['state']['issuer']['provider']['interactionDetails']>>;

/**
 * Ends the IdP login of a sign-in that stopped (terms declined, a lock): the member is not left
 * signed in, so the next visit asks for the password again. Safe to call twice.
 */
export async function endStoppedLogin(ctx: UnionContext, interaction: Interaction): Promise<void> {
  const { uid, cookie } = interaction.session ?? {};
  if (!uid) return;
  const { provider } = ctx.state.issuer;
  // The browser's session by its cookie, and any other row of the same session (uid).
  const sessions = [cookie && await provider.Session.find(cookie), await provider.Session.findByUid(uid)].filter((s) => !!s);
  // Relying parties it already signed in to (a sign-in that stopped at updated terms) are owed a
  // logout; queued first, so a crash can only leave a session whose logout was sent, never the reverse.
  const signedIn = sessions.find((s) => s.accountId && s.authorizations);
  if (signedIn) {
    const ended = { uid, accountId: signedIn.accountId!, authorizations: signedIn.authorizations! };
    wakeBackchannelWorker(await queueBackchannelLogouts(ctx.state.db, provider, [ended]));
  }
  for (const session of sessions) await session.destroy();
  // oidc-provider's resume refuses an interaction whose session is not the browser's: forget it.
  delete interaction.session;
  await interaction.save(interaction.exp - Math.floor(Date.now() / 1000));
}
