import type Router from '@koa/router';
import type { UnionState } from '../http/context.js';
import * as oidc from 'openid-client';
import { sessionExists, sessionUidOfGrant } from '../accounts/sessions.js';
import { consoleConfig } from './client.js';
import { endConsoleSession, loadConsoleSession, saveConsoleSession } from './console-session.js';
import { grantOfAccessToken } from './idp-sessions.js';
import { SecretBox } from '../security/encryption.js';
import { showConsolePage } from './pages.js';
import { type ConsoleKit, safeReturnTo } from './console-kit.js';
import { textOf, type IdpSaid } from '../i18n/text.js';

/** Logging in to the console (authorization code + PKCE at the union's issuer) and ログアウト. */
export function loginRoutes(router: Router<UnionState>, kit: ConsoleKit): void {
  const { registry, base, baseUrl, startLogin } = kit;

  router.get('/login', async (ctx) => startLogin(ctx, String(ctx.query.returnTo ?? '')));

  router.get('/callback', async (ctx) => {
    const { union } = ctx.state.issuer;
    const session = await loadConsoleSession(ctx);
    const pending = session?.pending;
    const failed = (message: IdpSaid) => showConsolePage(ctx, 'message', 400, { title: textOf(ctx).t('common.errorTitle'), message, retry: `${base(ctx)}/` });
    if (!session || !pending) return failed('console.login.expired');
    const config = await consoleConfig(registry, union.slug);
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      tokens = await oidc.authorizationCodeGrant(config, new URL(ctx.originalUrl, baseUrl), {
        pkceCodeVerifier: pending.codeVerifier, expectedState: pending.state, expectedNonce: pending.nonce, idTokenExpected: true,
      });
    } catch (err) {
      console.warn(`[account:${union.slug}] login failed`, (err as Error).message);
      await saveConsoleSession(ctx, { ...session, pending: undefined });
      return failed('console.login.failed');
    }
    const claims = tokens.claims()!;
    if (pending.sub && claims.sub !== pending.sub) {
      await endConsoleSession(ctx, session);
      return failed('console.login.otherAccount');
    }
    const grantId = await grantOfAccessToken(ctx.state.db, new SecretBox(ctx.state.dataKey), union.slug, tokens.access_token);
    const idpSessionUid = grantId ? await sessionUidOfGrant(ctx.state.db, union.slug, claims.sub, grantId) : undefined;
    await saveConsoleSession(ctx, {
      id: session.id, accountId: claims.sub, pending: undefined,
      member: {
        sub: claims.sub, authTime: Number(claims.auth_time ?? Math.floor(Date.now() / 1000)), acr: String(claims.acr ?? ''),
        amr: Array.isArray(claims.amr) ? claims.amr.map(String) : [], idToken: tokens.id_token!, grantId, idpSessionUid,
      },
    }, true);
    ctx.status = 303;
    ctx.redirect(safeReturnTo(union.slug, pending.returnTo));
  });


  // ログアウト: the issuer's end_session page asks 「ログアウトしてもよろしいですか？」 (キャンセル / ログアウトする)
  // and ends the IdP session; it then returns to /logged-out.
  router.get('/logout', async (ctx) => {
    const session = await loadConsoleSession(ctx);
    if (!session?.member) {
      ctx.status = 303;
      return ctx.redirect(`${base(ctx)}/logged-out`);
    }
    const config = await consoleConfig(registry, ctx.state.issuer.union.slug);
    ctx.status = 303;
    ctx.redirect(oidc.buildEndSessionUrl(config, {
      id_token_hint: session.member.idToken, post_logout_redirect_uri: `${baseUrl}${base(ctx)}/logged-out`,
    }).href);
  });

  router.get('/logged-out', async (ctx) => {
    const session = await loadConsoleSession(ctx);
    const uid = session?.member?.idpSessionUid;
    const { t } = textOf(ctx);
    // Reached with the IdP session alive only if oidc-provider ended just the console's authorization.
    if (uid && await sessionExists(ctx.state.db, ctx.state.issuer.union.slug, uid)) {
      await endConsoleSession(ctx, session);
      return showConsolePage(ctx, 'message', 200, { title: t('console.logout'), message: 'console.logout.cancelled', retry: `${base(ctx)}/`, retryLabel: t('console.backToConsole') });
    }
    await endConsoleSession(ctx, session);
    return showConsolePage(ctx, 'message', 200, { title: t('console.loggedOut.title'), message: 'console.loggedOut.message', retry: `${base(ctx)}/`, retryLabel: t('console.loggedOut.again') });
  });
}
