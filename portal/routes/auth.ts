import { Router, type Request } from 'express';
import * as oidc from 'openid-client';
import { acrSatisfies } from '../acr.js';
import type { PortalUnion } from '../config.js';
import { requireCsrf } from '../http/security.js';
import { PORTAL_RESOURCE, PORTAL_SCOPE, type RelyingParties } from '../oidc-client.js';
import type { Database } from '../../migrations/database.js';
import { localize } from '../http/language.js';
import { chosenLocale, type PortalKey } from '../i18n/text.js';
import { localeClaim, memberOf, regenerate } from '../session.js';
import { recordLogin } from '../session-logins.js';
import type { PortalTokenVerifier } from '../medical/access-token.js';
import { recordMemberLogin } from '../members/portal-members.js';

/** Only paths inside the union's portal may be returned to after login (no open redirect). */
function safeReturnTo(slug: string, value: unknown): string {
  const home = `/u/${slug}/`;
  return typeof value === 'string' && value.startsWith(home) && !value.includes('//', 1) ? value : home;
}

/** What the member reads when the IdP answers access_denied (the IdP names the reason it stopped). */
const loginDenied = (description: string | undefined): PortalKey =>
  (description === 'the member declined the terms' ? 'auth.deniedTerms' : 'auth.denied');

/** Login by authorization code + PKCE + state + nonce; logout through the issuer's end-session endpoint. */
export function authRoutes(rps: RelyingParties, baseUrl: string, db: Database, verifier: PortalTokenVerifier): Router {
  const router = Router({ mergeParams: true });
  const union = (req: Request) => req.res!.locals.union as PortalUnion;
  const callbackUrl = (u: PortalUnion) => `${baseUrl}/u/${u.slug}/callback`;

  router.get('/login', async (req, res) => {
    const u = union(req);
    const config = await rps.config(u);
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const pending = {
      slug: u.slug, state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier,
      returnTo: safeReturnTo(u.slug, req.query.returnTo),
      stepUp: req.query.step_up === '1',
      maxAge: req.query.fresh === '1' ? u.medicalMaxAuthAgeSeconds : undefined,
    };
    req.session.pendingLogin = pending;
    const uiLocale = chosenLocale(req, { member: memberOf(req, u.slug)?.locale });
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: callbackUrl(u),
      scope: PORTAL_SCOPE,
      resource: PORTAL_RESOURCE,
      // offline_access (a refresh token) is only granted with prompt=consent; the IdP grants first-party apps silently.
      prompt: 'consent',
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
      // The union's minimum; the IdP steps up to the strongest acr_values asked for, so send only that.
      ...(u.requiredAcr ? { acr_values: u.requiredAcr } : {}),
      // The medical pages want a recent login: the IdP asks for one if its session's is older.
      ...(pending.maxAge ? { max_age: String(pending.maxAge) } : {}),
      // A language the member chose here (the switch, or their setting) is the IdP's page language too;
      // the browser's Accept-Language alone the IdP reads itself, after the member's own setting.
      ...(uiLocale ? { ui_locales: uiLocale } : {}),
    });
    res.redirect(303, url.href);
  });

  router.get('/callback', async (req, res) => {
    const u = union(req);
    const { t } = res.locals;
    const pending = req.session.pendingLogin;
    if (!pending || pending.slug !== u.slug) {
      return res.status(400).render('portal/error', { title: t('common.errorTitle'), message: t('auth.loginExpired'), retry: `/u/${u.slug}/login` });
    }
    delete req.session.pendingLogin;
    const config = await rps.config(u);
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      tokens = await oidc.authorizationCodeGrant(config, new URL(req.originalUrl, baseUrl), {
        pkceCodeVerifier: pending.codeVerifier, expectedState: pending.state, expectedNonce: pending.nonce, idTokenExpected: true,
        // auth_time must be present and recent: an IdP that ignored max_age is refused, not looped through.
        ...(pending.maxAge ? { maxAge: pending.maxAge } : {}),
      });
    } catch (err) {
      console.warn(`[portal:${u.slug}] login failed`, (err as Error).message);
      if (err instanceof oidc.AuthorizationResponseError && err.error === 'access_denied') {
        return res.status(403).render('portal/error', { title: t('auth.deniedTitle'), message: t(loginDenied(err.error_description)), retry: `/u/${u.slug}/login` });
      }
      return res.status(400).render('portal/error', { title: t('common.errorTitle'), message: t('auth.failed'), retry: `/u/${u.slug}/login` });
    }
    const claims = tokens.claims()!;
    const acr = typeof claims.acr === 'string' ? claims.acr : undefined;
    await regenerate(req);
    // Back-channel logout names the IdP session (sid): remember which portal session it logged in.
    if (typeof claims.sid === 'string') {
      await recordLogin(db, { slug: u.slug, idpSid: claims.sid, portalSid: req.session.id, sub: claims.sub });
    }
    await recordMemberLogin(db, {
      unionSlug: u.slug, sub: claims.sub, name: typeof claims.name === 'string' ? claims.name : '',
      email: claims.email_verified === true && typeof claims.email === 'string' ? claims.email : undefined,
      locale: localeClaim(claims),
      // The card only from a token that verifies; the medical pages check it again on every request.
      household: await verifier.verify(u, tokens.access_token).then((access) => access.household, () => undefined),
    });
    req.session.members = {
      ...req.session.members,
      [u.slug]: {
        sub: claims.sub,
        name: typeof claims.name === 'string' ? claims.name : '',
        idToken: tokens.id_token!,
        acr,
        authTime: typeof claims.auth_time === 'number' ? claims.auth_time : undefined,
        accessToken: tokens.access_token,
        refreshToken: tokens.refresh_token,
        accessTokenExpiresAt: Date.now() + (tokens.expiresIn() ?? 0) * 1000,
        locale: localeClaim(claims),
      },
    };
    // From now on the member's own language comes before their browser's (the switch still comes first).
    localize(req, res, { member: localeClaim(claims) });
    if (pending.stepUp && !acrSatisfies(acr, u.requiredAcr)) {
      // Sent here for a stronger login and still not strong enough: say so instead of looping.
      return res.status(403).render('portal/error', { title: res.locals.t('auth.stepUpTitle'), message: res.locals.t('auth.stepUp') });
    }
    res.redirect(303, pending.returnTo);
  });

  // The portal session ends only once the IdP has ended its own: on the post-logout redirect that
  // brings this logout's state back, or by back-channel logout. キャンセル at the IdP keeps both.
  router.post('/logout', requireCsrf, async (req, res) => {
    const u = union(req);
    const member = memberOf(req, u.slug);
    if (!member) return res.redirect(303, `/u/${u.slug}/logged-out`);
    const state = oidc.randomState();
    req.session.pendingLogout = { ...req.session.pendingLogout, [u.slug]: state };
    const config = await rps.config(u);
    res.redirect(303, oidc.buildEndSessionUrl(config, {
      id_token_hint: member.idToken,
      post_logout_redirect_uri: `${baseUrl}/u/${u.slug}/logged-out`,
      state,
    }).href);
  });

  router.get('/logged-out', (req, res) => {
    const u = union(req);
    const expected = req.session.pendingLogout?.[u.slug];
    if (req.query.state !== undefined) {
      if (expected && req.query.state === expected) {
        delete req.session.pendingLogout![u.slug];
        if (req.session.members) delete req.session.members[u.slug];
      }
      // The state leaves the address bar (also when a back-channel logout got here first).
      return res.redirect(303, `/u/${u.slug}/logged-out`);
    }
    // Still signed in (this page opened by a link, not by the IdP's logout): nothing ended, go home.
    if (memberOf(req, u.slug)) return res.redirect(303, `/u/${u.slug}/`);
    res.render('portal/logged-out', { title: res.locals.t('auth.loggedOutTitle'), brand: u.name, slug: u.slug });
  });

  return router;
}
