import type { Grant, KoaContextWithOIDC } from 'oidc-provider';

// oidc-provider's consent prompt never asks for these (they come with every ID token).
const ALWAYS_GRANTED_CLAIMS = new Set(['sub', 'sid', 'auth_time', 'acr', 'amr', 'iss']);

/**
 * `loadExistingGrant` for a union whose every client is one of its own apps (see
 * interactions/consent.ts): the member's grant for the app records what the app asked for, before
 * the interaction policy runs, so the consent prompt has nothing to ask and `prompt=none` works for
 * a second app of the same session. It only runs once oidc-provider knows the account; the union's
 * own prompts (required actions, second factor) are checked afterwards and still stop the request.
 */
export async function loadFirstPartyGrant(ctx: KoaContextWithOIDC): Promise<Grant | undefined> {
  const { oidc } = ctx;
  const clientId = oidc.client!.clientId;
  const grantId = (oidc.result?.consent as { grantId?: string } | undefined)?.grantId ?? oidc.session!.grantIdFor(clientId);
  const existing = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
  const grant = existing ?? new oidc.provider.Grant({ accountId: oidc.account!.accountId, clientId });

  let changed = !existing;
  const scopes = new Set(grant.getOIDCScopeEncountered().split(' '));
  const missingScopes = [...oidc.requestParamOIDCScopes].filter((s) => !scopes.has(s));
  if (missingScopes.length) grant.addOIDCScope(missingScopes.join(' '));

  const claims = new Set(grant.getOIDCClaimsEncountered());
  const missingClaims = [...oidc.requestParamClaims].filter((c) => !claims.has(c) && !ALWAYS_GRANTED_CLAIMS.has(c));
  if (missingClaims.length) grant.addOIDCClaims(missingClaims);
  changed ||= missingScopes.length > 0 || missingClaims.length > 0;

  for (const [indicator, server] of Object.entries(oidc.resourceServers ?? {})) {
    const held = new Set(grant.getResourceScopeEncountered(indicator).split(' '));
    const missing = [...oidc.requestParamScopes].filter((s) => server.scopes.has(s) && !held.has(s));
    if (missing.length) {
      grant.addResourceScope(indicator, missing.join(' '));
      changed = true;
    }
  }
  if (changed) await grant.save();
  return grant;
}
