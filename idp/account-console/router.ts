import Router from '@koa/router';
import * as oidc from 'openid-client';
import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import { findAccount, type Account } from '../accounts/account-repository.js';
import { listSessions, sessionExists, sessionUidOfGrant } from '../accounts/sessions.js';
import { readForm, readJson } from '../http/body.js';
import type { UnionContext, UnionState } from '../http/context.js';
import { clientIp } from '../http/context.js';
import { csrfToken, isValidCsrfToken } from '../http/csrf.js';
import { MFA_LABELS } from '../interactions/steps/user-id.js';
import { ACR, levelOf } from '../mfa/levels.js';
import { listCredentials } from '../mfa/credentials.js';
import type { ProviderRegistry } from '../oidc/provider-registry.js';
import { CONSOLE_SCOPE, consoleConfig, consolePath } from './client.js';
import { endConsoleSession, loadConsoleSession, saveConsoleSession, type ConsoleSession } from './console-session.js';
import { grantOfAccessToken } from './idp-sessions.js';
import { formatDate, showConsolePage } from './pages.js';
import * as actions from './actions.js';
import { findMember } from '../members/member-repository.js';

export interface Signed {
  session: ConsoleSession & { accountId: string; member: NonNullable<ConsoleSession['member']> };
  account: Account;
  name: string;
}

const FORM_EXPIRED = 'フォームの有効期限が切れました。もう一度お試しください。';

/** Only console paths may be returned to after a login (no open redirect). */
function safeReturnTo(slug: string, value: unknown): string {
  const home = `${consolePath(slug)}/`;
  return typeof value === 'string' && value.startsWith(consolePath(slug)) && !value.includes('//') && !value.includes('\\') ? value : home;
}

/**
 * アカウント管理 at `/u/<slug>/account/…` (SPEC §4.4): a first-party relying party of the union's
 * own issuer (client.ts says why). Thin routes; the changes themselves are in actions.ts.
 */
export function accountConsoleRouter(registry: ProviderRegistry): Router<UnionState> {
  const router = new Router<UnionState>({ prefix: '/u/:slug/account' });
  const base = (ctx: UnionContext) => consolePath(ctx.state.issuer.union.slug);
  const baseUrl = registry.deps.config.baseUrl;

  router.use(async (ctx, next) => {
    ctx.set('Cache-Control', 'no-store');
    await next();
  });

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

  const csrf = (signed: Signed, secret: string) => csrfToken(secret, `console:${signed.session.id}`);
  async function trustedForm(ctx: UnionContext, signed: Signed) {
    const form = await readForm(ctx);
    if (!isValidCsrfToken(ctx.state.csrfSecret, `console:${signed.session.id}`, form.csrf)) ctx.throw(403, FORM_EXPIRED);
    return form;
  }
  const page = (ctx: UnionContext, signed: Signed, view: string, status: number, locals: Record<string, unknown> & { title: string }) =>
    showConsolePage(ctx, view, status, { memberName: signed.name, csrf: csrf(signed, ctx.state.csrfSecret), ...locals });
  const deps = (ctx: UnionContext, signed: Signed): actions.ConsoleDeps => ({
    db: ctx.state.db, mailer: ctx.state.mailer, union: ctx.state.issuer.union, provider: ctx.state.issuer.provider, issuerUrl: ctx.state.issuer.provider.issuer,
    ip: clientIp(ctx), account: signed.account, session: signed.session, dataKey: ctx.state.dataKey, codeKey: ctx.state.csrfSecret,
  });
  const done = (ctx: UnionContext, path: string, notice: string) => {
    ctx.status = 303;
    ctx.redirect(`${base(ctx)}${path}?notice=${encodeURIComponent(notice)}`);
  };
  const notice = (ctx: UnionContext) => (typeof ctx.query.notice === 'string' ? ctx.query.notice.slice(0, 200) : undefined);

  router.get('/login', async (ctx) => startLogin(ctx, String(ctx.query.returnTo ?? '')));

  router.get('/callback', async (ctx) => {
    const { union } = ctx.state.issuer;
    const session = await loadConsoleSession(ctx);
    const pending = session?.pending;
    const failed = (message: string) => showConsolePage(ctx, 'message', 400, { title: 'エラー', message, retry: `${base(ctx)}/` });
    if (!session || !pending) return failed('ログインの有効期限が切れました。もう一度お試しください。');
    const config = await consoleConfig(registry, union.slug);
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      tokens = await oidc.authorizationCodeGrant(config, new URL(ctx.originalUrl, baseUrl), {
        pkceCodeVerifier: pending.codeVerifier, expectedState: pending.state, expectedNonce: pending.nonce, idTokenExpected: true,
      });
    } catch (err) {
      console.warn(`[account:${union.slug}] login failed`, (err as Error).message);
      await saveConsoleSession(ctx, { ...session, pending: undefined });
      return failed('ログインできませんでした。もう一度お試しください。');
    }
    const claims = tokens.claims()!;
    if (pending.sub && claims.sub !== pending.sub) {
      await endConsoleSession(ctx, session);
      return failed('別のアカウントで認証されたため、操作を中止しました。もう一度ログインしてください。');
    }
    const grantId = await grantOfAccessToken(ctx.state.db, union.slug, tokens.access_token);
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

  router.get('/', async (ctx) => {
    const signed = await signedIn(ctx);
    if (!signed) return;
    return page(ctx, signed, 'home', 200, { title: 'アカウント管理', notice: notice(ctx) });
  });

  // ── ログイン方法変更 ───────────────────────────────────────────────
  router.get('/security', async (ctx) => {
    const signed = await signedIn(ctx);
    if (!signed) return;
    const { db, issuer: { union } } = ctx.state;
    const row = await db('accounts').where({ id: signed.account.id }).first('password_changed_at', 'updated_at');
    const credentials = await listCredentials(db, signed.account.id);
    return page(ctx, signed, 'security', 200, {
      title: 'ログイン方法変更', notice: notice(ctx), formatDate,
      passwordCreatedAt: row?.password_changed_at ?? null,
      allowed: union.policy.mfa.allowed, labels: MFA_LABELS,
      passkeys: credentials.filter((c) => c.type === 'passkey'), apps: credentials.filter((c) => c.type === 'totp'),
      email: signed.account.emailVerified ? signed.account.email : null,
    });
  });

  const passwordForm = (ctx: UnionContext, signed: Signed, status: number, errors?: string[]) => page(ctx, signed, 'password', status, {
    title: 'パスワードの更新', errors, maxLength: ctx.state.issuer.union.policy.password.maxLength,
    rule: actions.passwordRule(ctx.state.issuer.union),
  });

  router.get('/password', async (ctx) => {
    const signed = await signedIn(ctx);
    if (!signed || !(await recentlyAuthenticated(ctx, signed, ctx.path))) return;
    return passwordForm(ctx, signed, 200);
  });

  router.post('/password', async (ctx) => {
    const signed = await signedIn(ctx);
    if (!signed) return;
    const form = await trustedForm(ctx, signed);
    if (!(await recentlyAuthenticated(ctx, signed, `${base(ctx)}/password`))) return;
    const outcome = await actions.changePassword(deps(ctx, signed), {
      password: form.password ?? '', confirmation: form.confirmation ?? '', signOutEverywhere: form.signOutEverywhere === 'yes',
    });
    if (outcome.errors) return passwordForm(ctx, signed, 400, outcome.errors);
    return done(ctx, '/security', 'パスワードを更新しました。');
  });

  // 設定: authenticator app (TOTP); the set-up is bound to this console session, not to an interaction.
  const totpForm = async (ctx: UnionContext, signed: Signed, status: number, error?: string) => page(ctx, signed, 'totp', status, {
    title: 'OTPアプリ認証の設定', error, setup: await actions.totpSetup(deps(ctx, signed)),
  });

  router.get('/totp', async (ctx) => {
    const signed = await signedIn(ctx);
    if (!signed || !(await recentlyAuthenticated(ctx, signed, ctx.path))) return;
    if (!ctx.state.issuer.union.policy.mfa.allowed.includes('totp')) ctx.throw(404);
    return totpForm(ctx, signed, 200);
  });

  router.post('/totp', async (ctx) => {
    const signed = await signedIn(ctx);
    if (!signed) return;
    const form = await trustedForm(ctx, signed);
    if (!(await recentlyAuthenticated(ctx, signed, `${base(ctx)}/totp`))) return;
    if (!ctx.state.issuer.union.policy.mfa.allowed.includes('totp')) ctx.throw(404);
    const result = await actions.addTotp(deps(ctx, signed), { code: (form.code ?? '').slice(0, 16), deviceName: (form.deviceName ?? '').slice(0, 100) });
    if (!result.ok) return totpForm(ctx, signed, 400, result.error);
    if (signed.session.prefer) await saveConsoleSession(ctx, { ...signed.session, prefer: undefined });
    return done(ctx, '/security', 'OTPアプリを登録しました。');
  });

  // 設定: passkey (WebAuthn registration through the browser's script, JSON like the login's).
  router.get('/passkey', async (ctx) => {
    const signed = await signedIn(ctx);
    if (!signed || !(await recentlyAuthenticated(ctx, signed, ctx.path))) return;
    if (!ctx.state.issuer.union.policy.mfa.allowed.includes('passkey')) ctx.throw(404);
    return page(ctx, signed, 'passkey', 200, { title: '生体認証（パスキー）の設定' });
  });

  router.post('/mfa/passkey/options', async (ctx) => {
    const signed = await signedIn(ctx);
    if (!signed) return;
    if (!isValidCsrfToken(ctx.state.csrfSecret, `console:${signed.session.id}`, ctx.get('x-csrf-token'))) ctx.throw(403, FORM_EXPIRED);
    if (!(await recentlyAuthenticated(ctx, signed, `${base(ctx)}/passkey`))) return;
    ctx.body = await actions.passkeyOptions(deps(ctx, signed));
  });

  router.post('/mfa/passkey', async (ctx) => {
    const signed = await signedIn(ctx);
    if (!signed) return;
    if (!isValidCsrfToken(ctx.state.csrfSecret, `console:${signed.session.id}`, ctx.get('x-csrf-token'))) ctx.throw(403, FORM_EXPIRED);
    if (!(await recentlyAuthenticated(ctx, signed, `${base(ctx)}/passkey`))) return;
    const body = await readJson(ctx, 64 * 1024) as { label?: unknown; response?: unknown };
    const result = await actions.addPasskey(deps(ctx, signed), { label: String(body.label ?? '').slice(0, 100), response: body.response as RegistrationResponseJSON });
    if (result.ok && signed.session.prefer) await saveConsoleSession(ctx, { ...signed.session, prefer: undefined });
    ctx.status = result.ok ? 200 : 400;
    ctx.body = result.ok ? { redirectTo: `${base(ctx)}/security?notice=${encodeURIComponent('パスキーを登録しました。')}` } : { error: result.error };
  });

  // 削除 → re-authentication → 削除する / 戻る
  async function deletionPage(ctx: UnionContext, signed: Signed, status: number, error?: string) {
    const credential = (await listCredentials(ctx.state.db, signed.account.id)).find((c) => c.id === ctx.params.id);
    if (!credential) ctx.throw(404, 'この認証方法は見つかりません。');
    return page(ctx, signed, 'delete-factor', status, {
      title: '認証方法の削除', error, credential, kind: credential.type === 'passkey' ? MFA_LABELS.passkey : MFA_LABELS.totp, formatDate,
    });
  }

  router.get('/factors/:id/delete', async (ctx) => {
    const signed = await signedIn(ctx);
    if (!signed || !(await recentlyAuthenticated(ctx, signed, ctx.path))) return;
    return deletionPage(ctx, signed, 200);
  });

  router.post('/factors/:id/delete', async (ctx) => {
    const signed = await signedIn(ctx);
    if (!signed) return;
    await trustedForm(ctx, signed);
    if (!(await recentlyAuthenticated(ctx, signed, `${base(ctx)}/factors/${encodeURIComponent(ctx.params.id)}/delete`))) return;
    const outcome = await actions.removeFactor(deps(ctx, signed), ctx.params.id);
    if (outcome.kind === 'not_found') ctx.throw(404, 'この認証方法は見つかりません。');
    if (outcome.kind === 'last_factor') return deletionPage(ctx, signed, 409, outcome.message);
    return done(ctx, '/security', '認証方法を削除しました。');
  });

  // ── セッション ─────────────────────────────────────────────────
  router.get('/sessions', async (ctx) => {
    const signed = await signedIn(ctx);
    if (!signed) return;
    const sessions = await listSessions(ctx.state.db, ctx.state.issuer.union.slug, signed.account.id);
    return page(ctx, signed, 'sessions', 200, {
      title: 'ログイン中のセッション', notice: notice(ctx), formatDate, current: signed.session.member.idpSessionUid,
      sessions: sessions.map((s) => ({ ...s, method: actions.describeAmr(s.amr) })),
    });
  });

  router.post('/sessions/others/end', async (ctx) => {
    const signed = await signedIn(ctx);
    if (!signed) return;
    await trustedForm(ctx, signed);
    const ended = await actions.signOutOthers(deps(ctx, signed));
    return done(ctx, '/sessions', `他の${ended}件のセッションからサインアウトしました。`);
  });

  router.post('/sessions/:uid/end', async (ctx) => {
    const signed = await signedIn(ctx);
    if (!signed) return;
    await trustedForm(ctx, signed);
    if (ctx.params.uid === signed.session.member.idpSessionUid) return done(ctx, '/sessions', 'この端末のセッションは「ログアウト」で終了してください。');
    const ended = await actions.signOutOne(deps(ctx, signed), ctx.params.uid);
    return done(ctx, '/sessions', ended ? 'セッションからサインアウトしました。' : 'このセッションは既に終了しています。');
  });

  // ── プロフィール変更 ─────────────────────────────────────────────
  const profileForm = async (ctx: UnionContext, signed: Signed, status: number, errors?: string[], values?: Record<string, string>) => {
    const row = await ctx.state.db('accounts').where({ id: signed.account.id }).first('language');
    const temporary = await actions.hasLiveTemporaryCredentials(ctx.state.db, signed.account.id);
    return page(ctx, signed, 'profile', status, {
      title: 'プロフィール変更', errors, notice: notice(ctx), account: signed.account, temporary,
      language: values?.language ?? row?.language ?? 'ja', userId: values?.userId ?? signed.account.userId ?? '',
      method: values?.method ?? signed.account.preferredMfa ?? '', methods: ctx.state.issuer.union.policy.mfa.allowed, labels: MFA_LABELS,
      pendingEmail: await actions.pendingEmail(ctx.state.db, signed.account.id),
    });
  };

  router.get('/profile', async (ctx) => {
    const signed = await signedIn(ctx);
    if (!signed) return;
    return profileForm(ctx, signed, 200);
  });

  router.post('/profile', async (ctx) => {
    const signed = await signedIn(ctx);
    if (!signed) return;
    const form = await trustedForm(ctx, signed);
    const values = { language: form.language ?? 'ja', userId: (form.userId ?? '').trim().slice(0, 300), method: form.method ?? '' };
    // A new user ID is a sensitive change: re-authenticate first (the member submits again afterwards).
    if (values.userId.toLowerCase() !== (signed.account.userId ?? '') && !(await recentlyAuthenticated(ctx, signed, `${base(ctx)}/profile`))) return;
    const outcome = await actions.updateProfile(deps(ctx, signed), values);
    if (outcome.errors.length) return profileForm(ctx, signed, 400, outcome.errors, values);
    if (outcome.enrol) {
      await saveConsoleSession(ctx, { ...signed.session, prefer: outcome.enrol });
      ctx.status = 303;
      return ctx.redirect(`${base(ctx)}/${outcome.enrol}`);
    }
    return done(ctx, '/profile', 'プロフィールを変更しました。');
  });

  const emailForm = (ctx: UnionContext, signed: Signed, status: number, errors?: string[], email?: string) => page(ctx, signed, 'email', status, {
    title: 'メールアドレスの変更', errors, email: email ?? signed.account.email ?? '',
  });

  router.get('/email', async (ctx) => {
    const signed = await signedIn(ctx);
    if (!signed || !(await recentlyAuthenticated(ctx, signed, ctx.path))) return;
    return emailForm(ctx, signed, 200);
  });

  router.post('/email', async (ctx) => {
    const signed = await signedIn(ctx);
    if (!signed) return;
    const form = await trustedForm(ctx, signed);
    if (!(await recentlyAuthenticated(ctx, signed, `${base(ctx)}/email`))) return;
    const email = (form.email ?? '').trim().slice(0, 300);
    const outcome = await actions.requestEmailChange(deps(ctx, signed), email);
    if (outcome.errors.length) return emailForm(ctx, signed, 400, outcome.errors, email);
    return page(ctx, signed, 'email-sent', 200, { title: 'メールアドレスの変更', email, validMinutes: actions.EMAIL_CHANGE_MINUTES });
  });

  // The link mailed to the new address: GET shows a button (mail scanners open links), POST uses it.
  router.get('/email/verify/:token', async (ctx) => {
    const status = await actions.checkEmailChangeLink(ctx.state.db, ctx.state.issuer.union.slug, ctx.params.token);
    if (status !== 'valid') return showConsolePage(ctx, 'message', 410, { title: 'URL 無効', message: actions.INVALID_LINK[status] });
    return showConsolePage(ctx, 'email-confirm', 200, {
      title: 'メールアドレスの確認', csrf: csrfToken(ctx.state.csrfSecret, `email-change:${ctx.params.token}`), token: ctx.params.token,
    });
  });

  router.post('/email/verify/:token', async (ctx) => {
    const form = await readForm(ctx);
    if (!isValidCsrfToken(ctx.state.csrfSecret, `email-change:${ctx.params.token}`, form.csrf)) ctx.throw(403, FORM_EXPIRED);
    const outcome = await actions.confirmEmailChange({
      db: ctx.state.db, mailer: ctx.state.mailer, union: ctx.state.issuer.union, ip: clientIp(ctx),
    }, ctx.params.token);
    if (outcome.kind !== 'done') return showConsolePage(ctx, 'message', outcome.kind === 'taken' ? 409 : 410, { title: 'URL 無効', message: outcome.message });
    return showConsolePage(ctx, 'message', 200, { title: 'メールアドレスの変更', message: 'メールアドレスを変更しました。', retry: `${base(ctx)}/profile`, retryLabel: 'プロフィール変更へ' });
  });

  // ── ログアウト ────────────────────────────────────────────────
  // The issuer's end_session page asks 「ログアウトしてもよろしいですか？」 (キャンセル / ログアウトする)
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
    // キャンセル also comes back here (oidc-provider only drops the console's authorization then).
    if (uid && await sessionExists(ctx.state.db, ctx.state.issuer.union.slug, uid)) {
      await endConsoleSession(ctx, session);
      return showConsolePage(ctx, 'message', 200, { title: 'ログアウト', message: 'ログアウトをキャンセルしました。', retry: `${base(ctx)}/`, retryLabel: 'アカウント管理に戻る' });
    }
    await endConsoleSession(ctx, session);
    return showConsolePage(ctx, 'message', 200, { title: 'ログアウトしました', message: 'ログアウトしました。', retry: `${base(ctx)}/`, retryLabel: 'もう一度ログインする' });
  });

  return router;
}
