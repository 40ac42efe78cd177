import * as oidc from 'openid-client';
import { findAccount, type Account } from '../accounts/account-repository.js';
import { sessionExists } from '../accounts/sessions.js';
import { readForm } from '../http/body.js';
import { clientIp, type UnionContext } from '../http/context.js';
import { csrfToken, isValidCsrfToken } from '../http/csrf.js';
import { ACR, levelOf } from '../mfa/levels.js';
import type { ProviderRegistry } from '../oidc/provider-registry.js';
import { CONSOLE_SCOPE, consoleConfig, consolePath } from './client.js';
import { endConsoleSession, loadConsoleSession, saveConsoleSession, type ConsoleSession } from './console-session.js';
import { showConsolePage } from './pages.js';
import * as actions from './actions.js';
import { findMember } from '../members/member-repository.js';

export interface Signed {
  session: ConsoleSession & { accountId: string; member: NonNullable<ConsoleSession['member']> };
  account: Account;
  name: string;
}

export const FORM_EXPIRED = 'フォームの有効期限が切れました。もう一度お試しください。';

/** Only console paths may be returned to after a login (no open redirect). */
export function safeReturnTo(slug: string, value: unknown): string {
  const home = `${consolePath(slug)}/`;
  return typeof value === 'string' && value.startsWith(consolePath(slug)) && !value.includes('//') && !value.includes('\\') ? value : home;
}

/**
 * What every console page shares: logging in (and re-authenticating) through the union's issuer,
 * the signed-in member, CSRF-checked forms, page rendering and redirects with a notice.
 */
export function createConsoleKit(registry: ProviderRegistry) {
  const base = (ctx: UnionContext) => consolePath(ctx.state.issuer.union.slug);
  const baseUrl = registry.deps.config.baseUrl;

  /** Starts an authorization request; `reauth` forces a fresh password + second factor (max_age). */
  async function startLogin(ctx: UnionContext, returnTo: string, reauthFor?: Signed) {
    const { union } = ctx.state.issuer;
    const config = await consoleConfig(registry, union.slug);
    const existing = await loadConsoleSession(ctx);
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const pending = {
      state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier, returnTo: safeReturnTo(union.slug, returnTo),
      sub: reauthFor?.account.id,
    };
    await saveConsoleSession(ctx, { id: existing?.id ?? '', accountId: existing?.accountId ?? null, member: existing?.member, pending });
    const needsMfa = reauthFor ? await actions.usesSecondFactor(ctx.state.db, union, reauthFor.account) : union.policy.mfa.required;
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: `${baseUrl}${consolePath(union.slug)}/callback`,
      scope: CONSOLE_SCOPE,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
      ...(needsMfa ? { acr_values: ACR.mfa } : {}),
      // A login older than the union's max age makes the IdP ask for the password again; a new login
      // starts at password level, so the second-factor prompt follows.
      ...(reauthFor ? { max_age: String(union.policy.reauthMaxAgeSeconds), login_hint: reauthFor.account.userId ?? '' } : {}),
    });
    ctx.status = 303;
    ctx.redirect(url.href);
  }

  /** The logged-in member, or a redirect to the login (GET) / an error (POST). */
  async function signedIn(ctx: UnionContext): Promise<Signed | undefined> {
    const session = await loadConsoleSession(ctx);
    const account = session?.member && session.accountId ? await findAccount(ctx.state.db, ctx.state.issuer.union.slug, session.accountId) : undefined;
    // The IdP session this console logged in with was ended (another device, an admin): log in again.
    const alive = session?.member?.idpSessionUid ? await sessionExists(ctx.state.db, ctx.state.issuer.union.slug, session.member.idpSessionUid) : Boolean(session?.member);
    if (!session || !session.member || !account || !alive) {
      if (session?.member) await endConsoleSession(ctx, session);
      await startLogin(ctx, ctx.method === 'GET' ? ctx.path : `${base(ctx)}/`);
      return undefined;
    }
    const member = await findMember(ctx.state.db, ctx.state.issuer.union.slug, account.memberId);
    return { session: session as Signed['session'], account, name: member?.nameKanji ?? '' };
  }

  /** Sensitive changes: a password + second-factor login within the union's max age, else 「続行するには再度認証してください」. */
  async function recentlyAuthenticated(ctx: UnionContext, signed: Signed, returnTo: string): Promise<boolean> {
    const { union } = ctx.state.issuer;
    const { member } = signed.session;
    const fresh = Date.now() - member.authTime * 1000 <= union.policy.reauthMaxAgeSeconds * 1000;
    const strong = !(await actions.usesSecondFactor(ctx.state.db, union, signed.account)) || levelOf(member.acr) >= 1;
    if (fresh && strong) return true;
    await startLogin(ctx, returnTo, signed);
    return false;
  }

  const csrfOf = (signed: Signed, secret: string) => csrfToken(secret, `console:${signed.session.id}`);
  async function trustedForm(ctx: UnionContext, signed: Signed) {
    const form = await readForm(ctx);
    if (!isValidCsrfToken(ctx.state.csrfSecret, `console:${signed.session.id}`, form.csrf)) ctx.throw(403, FORM_EXPIRED);
    return form;
  }
  const page = (ctx: UnionContext, signed: Signed, view: string, status: number, locals: Record<string, unknown> & { title: string }) =>
    showConsolePage(ctx, view, status, { memberName: signed.name, csrf: csrfOf(signed, ctx.state.csrfSecret), ...locals });
  const deps = (ctx: UnionContext, signed: Signed): actions.ConsoleDeps => ({
    db: ctx.state.db, mailer: ctx.state.mailer, union: ctx.state.issuer.union, provider: ctx.state.issuer.provider, issuerUrl: ctx.state.issuer.provider.issuer,
    ip: clientIp(ctx), account: signed.account, session: signed.session, dataKey: ctx.state.dataKey, codeKey: ctx.state.csrfSecret,
  });
  const done = (ctx: UnionContext, path: string, notice: string) => {
    ctx.status = 303;
    ctx.redirect(`${base(ctx)}${path}?notice=${encodeURIComponent(notice)}`);
  };
  const notice = (ctx: UnionContext) => (typeof ctx.query.notice === 'string' ? ctx.query.notice.slice(0, 200) : undefined);

  /** A sensitive page (GET): the signed-in member, recently authenticated; otherwise redirected to log in. */
  async function sensitivePage(ctx: UnionContext): Promise<Signed | undefined> {
    const signed = await signedIn(ctx);
    return signed && (await recentlyAuthenticated(ctx, signed, ctx.path)) ? signed : undefined;
  }

  /** A sensitive form's POST: as sensitivePage, with a checked CSRF token; a re-authentication returns to the form. */
  async function sensitiveForm(ctx: UnionContext): Promise<{ signed: Signed; form: Record<string, string | undefined> } | undefined> {
    const signed = await signedIn(ctx);
    if (!signed) return undefined;
    const form = await trustedForm(ctx, signed);
    return (await recentlyAuthenticated(ctx, signed, ctx.path)) ? { signed, form } : undefined;
  }

  /** The JSON endpoints (passkey) send the CSRF token in a header. */
  const trustedJson = (ctx: UnionContext, signed: Signed) => {
    if (!isValidCsrfToken(ctx.state.csrfSecret, `console:${signed.session.id}`, ctx.get('x-csrf-token'))) ctx.throw(403, FORM_EXPIRED);
  };

  return { registry, base, baseUrl, startLogin, signedIn, recentlyAuthenticated, sensitivePage, sensitiveForm, trustedForm, trustedJson, page, deps, done, notice };
}

export type ConsoleKit = ReturnType<typeof createConsoleKit>;

