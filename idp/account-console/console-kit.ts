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
import { listCredentials } from '../mfa/credentials.js';
import { refuse } from '../http/errors.js';
import { localeOf, type IdpKey, type IdpSaid } from '../i18n/text.js';

export interface Signed {
  session: ConsoleSession & { accountId: string; member: NonNullable<ConsoleSession['member']> };
  account: Account;
  name: string;
}


/**
 * Every notice a console page can show after a change (`console.notice.<key>` in the catalogue). The
 * URL carries only the key: no text from the URL reaches a page (a `?notice=` of any words would be a
 * phishing aid on our own domain).
 */
type NoticeName = IdpKey extends infer K ? (K extends `console.notice.${infer N}` ? N : never) : never;

export const NOTICES = [
  'profileChanged', 'passwordChanged', 'totpAdded', 'passkeyAdded', 'factorRemoved',
  'othersSignedOut', 'sessionEnded', 'sessionAlreadyEnded', 'useLogoutHere', 'deviceForgotten',
] as const satisfies ReadonlyArray<NoticeName>;

export type NoticeKey = (typeof NOTICES)[number];

export const isNoticeKey = (value: unknown): value is NoticeKey => NOTICES.includes(value as NoticeKey);

/** A console path with a notice key, for redirects (and the passkey script's `redirectTo`). */
export const withNotice = (path: string, key: NoticeKey) => `${path}?notice=${key}`;

/** The factors that are not e-mail OTP (amr values, RFC 8176 and ours). */
const NON_EMAIL_AMR = ['otp', 'hwk', 'recovery_code'];

export interface SensitiveOptions {
  /** The change concerns the e-mail address: a member with an app or passkey must have used it (not e-mail OTP). */
  notByEmail?: boolean;
}

export interface LoginOptions {
  /** Asks the IdP to refuse e-mail OTP as the second factor (the e-mail change re-authenticates with another factor). */
  excludeEmailOtp?: boolean;
}

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
  async function startLogin(ctx: UnionContext, returnTo: string, reauthFor?: Signed, options: LoginOptions = {}) {
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
      // The member's 言語 carries over to the IdP's own pages of a re-authentication.
      ...(reauthFor?.account.language ? { ui_locales: reauthFor.account.language } : {}),
      // A fresh login (not single sign-on with the e-mail-code session) that the IdP lets pass only with another factor.
      ...(options.excludeEmailOtp ? { factor_exclude: 'email_otp', prompt: 'login' } : {}),
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
    // The member's 言語 applies to every console page from here on (the switch and ui_locales still win).
    ctx.state.localeHints = { ...ctx.state.localeHints, member: account.language };
    const member = await findMember(ctx.state.db, ctx.state.issuer.union.slug, account.memberId);
    return { session: session as Signed['session'], account, name: member?.nameKanji ?? '' };
  }

  /** Sensitive changes: a password + second-factor login within the union's max age, else 「続行するには再度認証してください」. */
  async function recentlyAuthenticated(ctx: UnionContext, signed: Signed, returnTo: string, options: SensitiveOptions = {}): Promise<boolean> {
    const { union } = ctx.state.issuer;
    const { member } = signed.session;
    const fresh = Date.now() - member.authTime * 1000 <= union.policy.reauthMaxAgeSeconds * 1000;
    const strong = !(await actions.usesSecondFactor(ctx.state.db, union, signed.account)) || levelOf(member.acr) >= 1;
    // A code mailed to the address being changed proves nothing about the change: use the app or passkey.
    const excludeEmailOtp = Boolean(options.notByEmail) && await hasNonEmailFactor(ctx, signed);
    const factorOk = !excludeEmailOtp || member.amr.some((m) => NON_EMAIL_AMR.includes(m));
    if (fresh && strong && factorOk) return true;
    await startLogin(ctx, returnTo, signed, { excludeEmailOtp });
    return false;
  }

  /** Does the member have a factor the union allows other than e-mail OTP (an authenticator app or a passkey)? */
  async function hasNonEmailFactor(ctx: UnionContext, signed: Signed): Promise<boolean> {
    const { allowed } = ctx.state.issuer.union.policy.mfa;
    return (await listCredentials(ctx.state.db, signed.account.id)).some((c) => allowed.includes(c.type));
  }

  const csrfOf = (signed: Signed, secret: string) => csrfToken(secret, `console:${signed.session.id}`);
  async function trustedForm(ctx: UnionContext, signed: Signed) {
    const form = await readForm(ctx);
    if (!isValidCsrfToken(ctx.state.csrfSecret, `console:${signed.session.id}`, form.csrf)) refuse(ctx, 403, 'common.formExpired');
    return form;
  }
  const page = (ctx: UnionContext, signed: Signed, view: string, status: number, locals: Record<string, unknown> & { title: string }) =>
    showConsolePage(ctx, view, status, { memberName: signed.name, csrf: csrfOf(signed, ctx.state.csrfSecret), ...locals });
  const deps = (ctx: UnionContext, signed: Signed): actions.ConsoleDeps => ({
    db: ctx.state.db, mailer: ctx.state.mailer, union: ctx.state.issuer.union, provider: ctx.state.issuer.provider, issuerUrl: ctx.state.issuer.provider.issuer,
    ip: clientIp(ctx), userAgent: ctx.get('user-agent'), account: signed.account, session: signed.session, dataKey: ctx.state.dataKey, legacyCodeKey: ctx.state.csrfSecret,
    locale: localeOf(ctx),
  });
  const done = (ctx: UnionContext, path: string, notice: NoticeKey) => {
    ctx.status = 303;
    ctx.redirect(withNotice(`${base(ctx)}${path}`, notice));
  };
  /** The notice named by `?notice=<key>`; anything else shows nothing. */
  const notice = (ctx: UnionContext): IdpSaid | undefined => (isNoticeKey(ctx.query.notice) ? `console.notice.${ctx.query.notice}` : undefined);

  /** A sensitive page (GET): the signed-in member, recently authenticated; otherwise redirected to log in. */
  async function sensitivePage(ctx: UnionContext, options: SensitiveOptions = {}): Promise<Signed | undefined> {
    const signed = await signedIn(ctx);
    return signed && (await recentlyAuthenticated(ctx, signed, ctx.path, options)) ? signed : undefined;
  }

  /** A sensitive form's POST: as sensitivePage, with a checked CSRF token; a re-authentication returns to the form. */
  async function sensitiveForm(ctx: UnionContext, options: SensitiveOptions = {}): Promise<{ signed: Signed; form: Record<string, string | undefined> } | undefined> {
    const signed = await signedIn(ctx);
    if (!signed) return undefined;
    const form = await trustedForm(ctx, signed);
    return (await recentlyAuthenticated(ctx, signed, ctx.path, options)) ? { signed, form } : undefined;
  }

  /** The JSON endpoints (passkey) send the CSRF token in a header. */
  const trustedJson = (ctx: UnionContext, signed: Signed) => {
    if (!isValidCsrfToken(ctx.state.csrfSecret, `console:${signed.session.id}`, ctx.get('x-csrf-token'))) refuse(ctx, 403, 'common.formExpired');
  };

  return { registry, base, baseUrl, startLogin, signedIn, recentlyAuthenticated, sensitivePage, sensitiveForm, trustedForm, trustedJson, page, deps, done, notice };
}

export type ConsoleKit = ReturnType<typeof createConsoleKit>;

