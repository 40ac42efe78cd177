import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';
import type { Database } from '../../migrations/database.js';
import type { IdpConfig } from '../config.js';
import { LOCALES } from '../../i18n/locale.js';
import { renderPage } from '../http/render.js';
import { textOf, type IdpSaid } from '../i18n/text.js';
import { interactionPolicyFor } from '../interactions/steps/journey.js';
import { ACR_VALUES } from '../mfa/levels.js';
import type { SecretBox } from '../security/encryption.js';
import type { Union } from '../unions/union-repository.js';
import { KnexAdapter } from './adapter.js';
import { guardedFetch } from './outgoing-requests.js';
import { accountFinder, householdClaims } from './find-account.js';
import { confirmLogoutPage } from './logout-page.js';
import { hintUiLocales } from './ui-locales.js';
import { loadFirstPartyGrant } from './first-party-grant.js';
import { sessionTtl } from './session-lifetime.js';
import { TTL } from './ttl.js';
import { RESOURCE_METADATA, resourceIndicators, validateResourceMetadata } from './resources.js';

export interface ProviderDeps {
  db: Database;
  config: IdpConfig;
  box: SecretBox;
}

export const unionPath = (slug: string) => `/u/${slug}`;

/** The whole oidc-provider configuration of one union: data, with behaviour delegated to small modules. */
export function providerConfiguration(union: Union, keys: Configuration['jwks'], deps: ProviderDeps): Configuration {
  const { db, config, box } = deps;
  const base = unionPath(union.slug);
  const secure = config.baseUrl.startsWith('https:');
  // Cookies are scoped to the union's path, so one union's session never reaches another's.
  const cookie = { httpOnly: true, sameSite: 'lax' as const, secure, path: base };

  return {
    adapter: (model: string) => new KnexAdapter(db, union.slug, model, box),
    // Our address check on every outgoing request, with the operator's back-channel allow-list.
    fetch: guardedFetch(config.backchannelAllowList),
    findAccount: accountFinder(db, union.slug),
    jwks: keys,
    cookies: { keys: config.cookieKeys, long: cookie, short: cookie },

    scopes: ['openid', 'offline_access', 'profile', 'email', 'medical', 'admin', 'portal-admin'],
    claims: {
      // How the member authenticated travels with every ID token (relying parties decide on it).
      openid: ['sub', 'acr', 'amr'],
      profile: ['name', 'name_kana', 'preferred_username', 'locale'],
      email: ['email', 'email_verified'],
    },
    // Relying parties are the union's own apps: ID tokens carry the profile claims directly.
    conformIdTokenClaims: false,
    responseTypes: ['code'],
    // Every client is a confidential server-side app with a secret: nothing else is offered or accepted.
    clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
    // Pages in these languages (ui_locales picks one; i18n/locale.ts).
    discovery: { ui_locales_supported: [...LOCALES] },
    // OIDC Core 3.1.2.1: redirect_uri is required even when the client registered only one.
    allowOmittingSingleRegisteredRedirectUri: false,
    // Published as acr_values_supported; see idp/mfa/levels.ts and the README.
    acrValues: ACR_VALUES,
    // The account console's re-authentication for an e-mail change asks for a factor other than that mailbox.
    extraParams: ['factor_exclude'],

    features: {
      devInteractions: { enabled: false },
      // A client may introspect or revoke only the tokens issued to it.
      introspection: { enabled: true, allowedPolicy: ownTokensOnly },
      revocation: { enabled: true, allowedPolicy: ownTokensOnly },
      clientCredentials: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: { enabled: true, logoutSource: confirmLogoutPage(union), postLogoutSuccessSource: postLogoutSuccessSource(union.policy.portalUrl) },
      // Relying parties that registered a backchannel_logout_uri hear when a member's session ends.
      backchannelLogout: { enabled: true },
      resourceIndicators,
    } as Configuration['features'], // the typings model introspection+RAR combinations too narrowly
    extraClientMetadata: {
      properties: [RESOURCE_METADATA],
      validator: (_ctx, key, value) => validateResourceMetadata(key, value),
    },
    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'RS256',
    },
    extraTokenClaims: householdClaims(db, union.slug),
    // PKCE for every client, confidential ones included (oidc-provider only insists for public clients).
    pkce: { required: () => true },
    // Every client is one of the union's own apps: no consent screen, so prompt=none works for a
    // second app (the MFA and required-action prompts below still apply).
    loadExistingGrant: loadFirstPartyGrant,
    interactions: {
      policy: interactionPolicyFor(union, db),
      url: (_ctx, interaction) => `${base}/interaction/${interaction.uid}`,
    },
    // Idle and absolute limits of the union (idp/oidc/session-lifetime.ts); the cookie of a remembered
    // session expires with it, any other is a browser-session cookie.
    ttl: { ...TTL, Session: sessionTtl(union.policy.sessionLifetimes) },
    renderError: async (ctx, out) => {
      hintUiLocales(ctx);
      ctx.type = 'html';
      ctx.body = await renderPage(ctx, 'idp/error', {
        title: textOf(ctx).t('common.errorTitle'),
        brand: union.name,
        message: errorMessage(out.error),
        code: out.error,
        portalUrl: union.policy.portalUrl,
      });
    },
  };
}

const ownTokensOnly = (_ctx: KoaContextWithOIDC, client: { clientId: string }, token: { clientId?: string }) =>
  token.clientId === client.clientId;

function errorMessage(code: string): IdpSaid {
  switch (code) {
    case 'invalid_request':
    case 'invalid_client':
    case 'unauthorized_client':
    case 'invalid_redirect_uri':
      return 'login.oidcError.invalidRequest';
    case 'access_denied':
      return 'login.oidcError.accessDenied';
    default:
      return 'login.oidcError.other';
  }
}

/** The page after a logout without a return address; it offers the union's portal as the next step. */
const postLogoutSuccessSource = (portalUrl: string | undefined) => async (ctx: KoaContextWithOIDC): Promise<void> => {
  hintUiLocales(ctx);
  ctx.type = 'html';
  ctx.body = await renderPage(ctx, 'idp/logged-out', { title: textOf(ctx).t('login.logout.done'), brand: undefined, portalUrl });
};
