import { loginWithPassword, type PasswordLoginResult } from '../accounts/password-login.js';
import { clientIp, type UnionContext } from '../http/context.js';
import { renderPage } from '../http/render.js';
import { localeOf, textOf, type IdpSaid } from '../i18n/text.js';
import { deviceCookieOf } from './device-cookie.js';
import { bannerAt } from '../unions/maintenance-feed.js';

/** Why the login page is shown again, as the page says it. */
export function loginError(result: Exclude<PasswordLoginResult, { ok: true }> | { reason: 'missing' }): IdpSaid {
  if (result.reason === 'throttled') return { key: 'login.error.throttled', params: { minutes: Math.max(1, Math.ceil(result.retryAfterSeconds / 60)) } };
  return `login.error.${result.reason}`;
}

export interface LoginView {
  uid: string;
  csrf: string;
  loginId?: string;
  remember?: boolean;
  error?: IdpSaid;
  returnUrl?: string;
  /** 「続行するには再度認証してください」: the session's login is too old for what was asked. */
  reauth?: boolean;
}

export async function renderLogin(ctx: UnionContext, view: LoginView, status = 200): Promise<void> {
  const { union } = ctx.state.issuer;
  const { t, say } = textOf(ctx);
  // What the union's portal announced when last asked; the page never waits for the portal.
  const maintenance = bannerAt(ctx.state.maintenance.windowsFor(union.policy.portalUrl), Date.now());
  ctx.status = status;
  ctx.type = 'html';
  ctx.body = await renderPage(ctx, 'idp/login', {
    title: t('login.title'),
    brand: union.name,
    base: `/u/${union.slug}`,
    loginId: '',
    remember: false,
    returnUrl: undefined,
    reauth: false,
    ...view,
    error: view.error && say(view.error),
    maintenance: maintenance && t(maintenance.ongoing ? 'login.maintenance.ongoing' : 'login.maintenance.upcoming', maintenance),
  });
}

/** Checks the submitted user ID and password; the interaction decides what follows. */
export async function submitLogin(ctx: UnionContext, form: Record<string, string>) {
  const loginId = (form.loginId ?? '').slice(0, 255);
  const password = (form.password ?? '').slice(0, 1024);
  if (!loginId.trim() || !password) return { ok: false as const, reason: 'missing' as const, loginId };
  const result = await loginWithPassword(ctx.state, ctx.state.issuer.union, {
    loginId, password, ip: clientIp(ctx), userAgent: ctx.get('user-agent'), device: deviceCookieOf(ctx), locale: localeOf(ctx),
  });
  return { ...result, loginId };
}
