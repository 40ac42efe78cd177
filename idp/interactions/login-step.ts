import { loginWithPassword, type PasswordLoginResult } from '../accounts/password-login.js';
import { clientIp, type UnionContext } from '../http/context.js';
import { renderPage } from '../http/render.js';
import { deviceCookieOf } from './device-cookie.js';

export const LOGIN_MESSAGES: Record<Exclude<PasswordLoginResult, { ok: true }>['reason'] | 'missing', string> = {
  throttled: 'ログインの試行が多すぎます。しばらく時間をおいてから（約{minutes}分後に）もう一度お試しください。',
  missing: 'ユーザIDとパスワードを入力してください。',
  invalid: '無効なユーザIDまたはパスワードです。',
  locked: 'アカウントがロックされています。ご加入の健康保険組合（組合管理者）へお問い合わせください。',
  temporary_expired: '仮パスワードの有効期限が切れています。健康保険組合に仮ユーザID・仮パスワードの再発行をご依頼ください。',
  no_mailbox: '確認済みのメールアドレスが登録されていないため、初期パスワードではログインできません。ご加入の健康保険組合に仮ユーザID・仮パスワード（はがき）の発行をご依頼ください。',
};

export interface LoginView {
  uid: string;
  csrf: string;
  loginId?: string;
  remember?: boolean;
  error?: string;
  returnUrl?: string;
  /** 「続行するには再度認証してください」: the session's login is too old for what was asked. */
  reauth?: boolean;
}

export async function renderLogin(ctx: UnionContext, view: LoginView, status = 200): Promise<void> {
  const { union } = ctx.state.issuer;
  ctx.status = status;
  ctx.type = 'html';
  ctx.body = await renderPage('idp/login', {
    title: 'ログイン',
    brand: union.name,
    base: `/u/${union.slug}`,
    loginId: '',
    remember: false,
    error: undefined,
    returnUrl: undefined,
    reauth: false,
    ...view,
  });
}

/** Checks the submitted user ID and password; the interaction decides what follows. */
export async function submitLogin(ctx: UnionContext, form: Record<string, string>) {
  const loginId = (form.loginId ?? '').slice(0, 255);
  const password = (form.password ?? '').slice(0, 1024);
  if (!loginId.trim() || !password) return { ok: false as const, reason: 'missing' as const, loginId };
  const result = await loginWithPassword(ctx.state, ctx.state.issuer.union, {
    loginId, password, ip: clientIp(ctx), userAgent: ctx.get('user-agent'), device: deviceCookieOf(ctx),
  });
  return { ...result, loginId };
}
