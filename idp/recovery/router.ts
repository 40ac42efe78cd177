import Router from '@koa/router';
import { normalizeLoginId } from '../accounts/account-repository.js';
import { describePasswordPolicy } from '../accounts/field-rules.js';
import { readForm } from '../http/body.js';
import type { UnionContext, UnionState } from '../http/context.js';
import { csrfToken, isValidCsrfToken } from '../http/csrf.js';
import { runDetached } from './detached.js';
import { showInvalidLink, showRecoveryPage } from './pages.js';
import { mailResetLink, resetPassword, RESET_LINK_MINUTES, staysLockedAfterReset } from './password-reset.js';
import { checkLink, recoveryDeps } from './recovery-context.js';
import { isTrustedRecoveryForm, recoveryFormToken, withinRecoveryLimits } from './request-guard.js';
import { issueTemporaryPassword, mailUserIdLink, readUserIdRequest, useUserIdLink, USER_ID_LINK_MINUTES } from './user-id-recovery.js';
import { refuse } from '../http/errors.js';
import { textOf, type IdpSaid } from '../i18n/text.js';

/** A form posted from a mailed link's page must carry the token that page was rendered with. */
async function linkForm(ctx: UnionContext, boundTo: string): Promise<Record<string, string>> {
  const form = await readForm(ctx);
  if (!isValidCsrfToken(ctx.state.csrfSecret, boundTo, form.csrf)) refuse(ctx, 403, 'common.formExpiredOpenMailLink');
  return form;
}

/**
 * パスワードを忘れた方 / ユーザIDを忘れた方 (SPEC §4.5). Thin routes: the request forms answer
 * neutrally and hand the rest to a detached task (request-guard.ts explains why); mailed links show
 * a page on GET and are used only by that page's POST.
 */
export function recoveryRouter(): Router<UnionState> {
  const router = new Router<UnionState>({ prefix: '/u/:slug/recovery' });

  const passwordRequestForm = (ctx: UnionContext, status = 200, errors?: IdpSaid[]) =>
    showRecoveryPage(ctx, 'password-request', status, { title: textOf(ctx).t('login.forgotPassword'), csrf: recoveryFormToken(ctx), errors });

  router.get('/password', (ctx) => passwordRequestForm(ctx));

  router.post('/password', async (ctx) => {
    const form = await readForm(ctx);
    if (!isTrustedRecoveryForm(ctx, form)) return passwordRequestForm(ctx, 403, ['common.formExpired']);
    const userId = normalizeLoginId(form.userId ?? '');
    if (!userId) return passwordRequestForm(ctx, 400, ['fields.userId.empty']);
    const deps = recoveryDeps(ctx);
    const withinLimits = await withinRecoveryLimits(deps.db, 'password', deps.union.slug, deps.ip, userId);
    runDetached('password reset request', () => mailResetLink(deps, userId, withinLimits));
    return showRecoveryPage(ctx, 'password-requested', 200, { title: textOf(ctx).t('login.forgotPassword'), validMinutes: RESET_LINK_MINUTES });
  });

  const resetForm = async (ctx: UnionContext, status: number, errors?: IdpSaid[]) => {
    const { policy } = ctx.state.issuer.union;
    return showRecoveryPage(ctx, 'password-reset', status, {
      title: textOf(ctx).t('console.password.title'), errors, csrf: csrfToken(ctx.state.csrfSecret, `reset:${ctx.params.token}`),
      rule: describePasswordPolicy(policy.password), maxLength: policy.password.maxLength,
      staysLocked: await staysLockedAfterReset(recoveryDeps(ctx), ctx.params.token),
    });
  };

  router.get('/password/:token', async (ctx) => {
    const link = await checkLink(recoveryDeps(ctx), 'reset_password', ctx.params.token);
    return link.kind === 'valid' ? resetForm(ctx, 200) : showInvalidLink(ctx, link.status, 'password');
  });

  router.post('/password/:token', async (ctx) => {
    const form = await linkForm(ctx, `reset:${ctx.params.token}`);
    const outcome = await resetPassword(recoveryDeps(ctx), ctx.params.token, { password: form.password ?? '', confirmation: form.confirmation ?? '' });
    if (outcome.kind === 'invalid') return showInvalidLink(ctx, outcome.status, 'password');
    if (outcome.kind === 'errors') return resetForm(ctx, 400, outcome.errors);
    return showRecoveryPage(ctx, 'password-reset-done', 200, { title: textOf(ctx).t('console.password.title') });
  });

  const userIdRequestForm = (ctx: UnionContext, status = 200, errors?: IdpSaid[], values?: Record<string, string>) =>
    showRecoveryPage(ctx, 'user-id-request', status, { title: textOf(ctx).t('login.forgotUserId'), csrf: recoveryFormToken(ctx), errors, values });

  router.get('/user-id', (ctx) => userIdRequestForm(ctx));

  router.post('/user-id', async (ctx) => {
    const form = await readForm(ctx);
    const { request, errors } = readUserIdRequest(form);
    if (!isTrustedRecoveryForm(ctx, form)) return userIdRequestForm(ctx, 403, ['common.formExpired'], { ...request });
    if (errors.length) return userIdRequestForm(ctx, 400, errors, { ...request });
    const deps = recoveryDeps(ctx);
    const withinLimits = await withinRecoveryLimits(deps.db, 'user_id', deps.union.slug, deps.ip, request.email);
    runDetached('user ID request', () => mailUserIdLink(deps, request, withinLimits));
    return showRecoveryPage(ctx, 'user-id-requested', 200, {
      title: textOf(ctx).t('login.forgotUserId'), email: request.email, validMinutes: USER_ID_LINK_MINUTES,
    });
  });

  router.get('/user-id/:token', async (ctx) => {
    const link = await checkLink(recoveryDeps(ctx), 'recover_user_id', ctx.params.token);
    if (link.kind === 'invalid') return showInvalidLink(ctx, link.status, 'user-id');
    return showRecoveryPage(ctx, 'user-id-link', 200, {
      title: textOf(ctx).t('recovery.userId.linkTitle'), csrf: csrfToken(ctx.state.csrfSecret, `user-id:${ctx.params.token}`),
    });
  });

  router.post('/user-id/:token', async (ctx) => {
    await linkForm(ctx, `user-id:${ctx.params.token}`);
    const outcome = await useUserIdLink(recoveryDeps(ctx), ctx.params.token);
    if (outcome.kind === 'invalid') return showInvalidLink(ctx, outcome.status, 'user-id');
    return showRecoveryPage(ctx, 'user-id-shown', 200, {
      title: textOf(ctx).t('recovery.userId.linkTitle'), userId: outcome.userId, grant: outcome.grant,
      csrf: csrfToken(ctx.state.csrfSecret, `temporary-password:${outcome.grant}`),
    });
  });

  router.post('/temporary-password', async (ctx) => {
    const form = await readForm(ctx);
    const grant = form.grant ?? '';
    if (!isValidCsrfToken(ctx.state.csrfSecret, `temporary-password:${grant}`, form.csrf)) refuse(ctx, 403, 'common.formExpiredOpenMailLink');
    const outcome = await issueTemporaryPassword(recoveryDeps(ctx), grant);
    if (outcome.kind === 'invalid') return showInvalidLink(ctx, outcome.status, 'user-id');
    return showRecoveryPage(ctx, 'temporary-password-sent', 200, { title: textOf(ctx).t('recovery.temporary.title') });
  });

  return router;
}
