import type Router from '@koa/router';
import { readForm } from '../http/body.js';
import { clientIp, type UnionContext, type UnionState } from '../http/context.js';
import { csrfToken, isValidCsrfToken } from '../http/csrf.js';
import { factorLabelsIn } from '../mfa/factors.js';
import { saveConsoleSession } from './console-session.js';
import { showConsolePage } from './pages.js';
import * as actions from './actions.js';
import { type ConsoleKit, type Signed } from './console-kit.js';
import { refuse } from '../http/errors.js';
import { localeOf, textOf, type IdpSaid } from '../i18n/text.js';

/** プロフィール変更: language, user ID, preferred method, and the verified e-mail change. */
export function profileRoutes(router: Router<UnionState>, kit: ConsoleKit): void {
  const { base, signedIn, recentlyAuthenticated, sensitivePage, sensitiveForm, trustedForm, page, deps, done, notice } = kit;
  const linkDeps = (ctx: UnionContext): actions.EmailLinkDeps => ({
    db: ctx.state.db, mailer: ctx.state.mailer, union: ctx.state.issuer.union, provider: ctx.state.issuer.provider, ip: clientIp(ctx), locale: localeOf(ctx),
  });

  const profileForm = async (ctx: UnionContext, signed: Signed, status: number, errors?: IdpSaid[], values?: Record<string, string>) => {
    const temporary = await actions.hasLiveTemporaryCredentials(ctx.state.db, signed.account.id);
    return page(ctx, signed, 'profile', status, {
      title: textOf(ctx).t('console.profile.title'), errors, notice: notice(ctx), account: signed.account, temporary,
      language: values?.language ?? signed.account.language ?? 'ja', userId: values?.userId ?? signed.account.userId ?? '',
      method: values?.method ?? signed.account.preferredMfa ?? '', methods: ctx.state.issuer.union.policy.mfa.allowed, labels: factorLabelsIn(textOf(ctx).t),
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
    return done(ctx, '/profile', 'profileChanged');
  });

  const emailForm = (ctx: UnionContext, signed: Signed, status: number, errors?: IdpSaid[], email?: string) => page(ctx, signed, 'email', status, {
    title: textOf(ctx).t('console.email.title'), errors, email: email ?? signed.account.email ?? '',
  });

  // A member with an app or passkey re-authenticates with it: an e-mail code is no proof for an e-mail change.
  router.get('/email', async (ctx) => {
    const signed = await sensitivePage(ctx, { notByEmail: true });
    if (!signed) return;
    return emailForm(ctx, signed, 200);
  });

  router.post('/email', async (ctx) => {
    const sensitive = await sensitiveForm(ctx, { notByEmail: true });
    if (!sensitive) return;
    const { signed, form } = sensitive;
    const email = (form.email ?? '').trim().slice(0, 300);
    const outcome = await actions.requestEmailChange(deps(ctx, signed), email);
    if (outcome.errors.length) return emailForm(ctx, signed, 400, outcome.errors, email);
    return page(ctx, signed, 'email-sent', 200, { title: textOf(ctx).t('console.email.title'), email, validMinutes: actions.EMAIL_CHANGE_MINUTES });
  });

  // The link mailed to the new address: GET shows a button (mail scanners open links), POST uses it.
  router.get('/email/verify/:token', async (ctx) => {
    const status = await actions.checkEmailChangeLink(ctx.state.db, ctx.state.issuer.union.slug, ctx.params.token);
    const { t } = textOf(ctx);
    if (status !== 'valid') return showConsolePage(ctx, 'message', 410, { title: t('console.linkInvalidTitle'), message: actions.INVALID_LINK[status] });
    return showConsolePage(ctx, 'email-confirm', 200, {
      title: t('console.email.confirmTitle'), csrf: csrfToken(ctx.state.csrfSecret, `email-change:${ctx.params.token}`), token: ctx.params.token,
    });
  });

  router.post('/email/verify/:token', async (ctx) => {
    const form = await readForm(ctx);
    if (!isValidCsrfToken(ctx.state.csrfSecret, `email-change:${ctx.params.token}`, form.csrf)) refuse(ctx, 403, 'common.formExpired');
    const outcome = await actions.confirmEmailChange(linkDeps(ctx), ctx.params.token);
    const { t } = textOf(ctx);
    if (outcome.kind !== 'done') return showConsolePage(ctx, 'message', outcome.kind === 'taken' ? 409 : 410, { title: t('console.linkInvalidTitle'), message: outcome.message });
    return showConsolePage(ctx, 'message', 200, {
      title: t('console.email.title'), message: 'console.email.changed', retry: `${base(ctx)}/profile`, retryLabel: t('console.email.toProfile'),
    });
  });

  // 「心当たりがない場合」, mailed to the old address: GET shows a button, POST cancels or restores.
  router.get('/email/revert/:token', async (ctx) => {
    const status = await actions.checkEmailRevertLink(ctx.state.db, ctx.state.issuer.union.slug, ctx.params.token);
    const { t } = textOf(ctx);
    if (status !== 'valid') return showConsolePage(ctx, 'message', 410, { title: t('console.linkInvalidTitle'), message: actions.INVALID_REVERT_LINK[status] });
    return showConsolePage(ctx, 'email-revert', 200, {
      title: t('console.revert.title'), csrf: csrfToken(ctx.state.csrfSecret, `email-revert:${ctx.params.token}`), token: ctx.params.token,
    });
  });

  router.post('/email/revert/:token', async (ctx) => {
    const form = await readForm(ctx);
    if (!isValidCsrfToken(ctx.state.csrfSecret, `email-revert:${ctx.params.token}`, form.csrf)) refuse(ctx, 403, 'common.formExpired');
    const outcome = await actions.revertEmailChange(linkDeps(ctx), ctx.params.token);
    const { t } = textOf(ctx);
    const title = t('console.revert.title');
    if (outcome.kind === 'invalid') return showConsolePage(ctx, 'message', 410, { title: t('console.linkInvalidTitle'), message: outcome.message });
    if (outcome.kind === 'taken') return showConsolePage(ctx, 'message', 409, { title, message: outcome.message });
    if (outcome.kind === 'cancelled') {
      return showConsolePage(ctx, 'message', 200, { title, message: 'console.revert.cancelled' });
    }
    // The old password no longer works: straight to setting a new one.
    ctx.status = 303;
    ctx.redirect(`/u/${ctx.state.issuer.union.slug}/recovery/password/${outcome.resetToken}`);
  });
}
