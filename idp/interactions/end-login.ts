import type { UnionContext } from '../http/context.js';

type Interaction = Awaited<ReturnType<UnionContext['state']['issuer']['provider']['interactionDetails']>>;

/**
 * Ends the IdP login of a sign-in that stopped (terms declined, a lock): the member is not left
 * signed in, so the next visit asks for the password again. Safe to call twice.
 */
export async function endStoppedLogin(ctx: UnionContext, interaction: Interaction): Promise<void> {
  const { uid, cookie } = interaction.session ?? {};
  if (!uid) return;
  const { Session } = ctx.state.issuer.provider;
  // The browser's session by its cookie, and any other row of the same session (uid).
  for (const session of [cookie && await Session.find(cookie), await Session.findByUid(uid)]) {
    if (session) await session.destroy();
  }
  // oidc-provider's resume refuses an interaction whose session is not the browser's: forget it.
  delete interaction.session;
  await interaction.save(interaction.exp - Math.floor(Date.now() / 1000));
}
