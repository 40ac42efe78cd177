import Router from '@koa/router';
import { errors } from 'oidc-provider';
import { readForm } from '../http/body.js';
import type { UnionState } from '../http/context.js';
import { csrfToken, isValidCsrfToken } from '../http/csrf.js';
import { grantRequested } from './consent.js';
import { LOGIN_MESSAGES, renderLogin, submitLogin } from './login-step.js';
import { renderPage } from '../http/render.js';

/**
 * The screens oidc-provider sends the browser to when it needs the member (thin routes: read input,
 * call one function, render or finish the interaction).
 */
export function interactionRouter(): Router<UnionState> {
  const router = new Router<UnionState>({ prefix: '/u/:slug/interaction/:uid' });

  router.use(async (ctx, next) => {
    ctx.set('Cache-Control', 'no-store');
    try {
      await next();
    } catch (err) {
      if (!(err instanceof errors.SessionNotFound)) throw err;
      ctx.status = 400;
      ctx.type = 'html';
      ctx.body = await renderPage('idp/error', {
        title: 'エラー',
        brand: ctx.state.issuer.union.name,
        code: 'session_expired',
        message: 'ログインの有効期限が切れました。アプリケーションに戻り、もう一度ログインしてください。',
      });
    }
  });

  router.get('/', async (ctx) => {
    const { provider } = ctx.state.issuer;
    const interaction = await provider.interactionDetails(ctx.req, ctx.res);
    switch (interaction.prompt.name) {
      case 'login': {
        const client = await provider.Client.find(interaction.params.client_id as string);
        return renderLogin(ctx, {
          uid: interaction.uid,
          csrf: csrfToken(ctx.state.csrfSecret, interaction.uid),
          returnUrl: client?.clientUri,
        });
      }
      case 'consent':
        return provider.interactionFinished(ctx.req, ctx.res, await grantRequested(provider, interaction), {
          mergeWithLastSubmission: true,
        });
      default:
        throw new Error(`unsupported prompt ${interaction.prompt.name}`);
    }
  });

  router.post('/login', async (ctx) => {
    const { provider } = ctx.state.issuer;
    const interaction = await provider.interactionDetails(ctx.req, ctx.res);
    const form = await readForm(ctx);
    const csrf = csrfToken(ctx.state.csrfSecret, interaction.uid);
    if (interaction.prompt.name !== 'login' || !isValidCsrfToken(ctx.state.csrfSecret, interaction.uid, form.csrf)) {
      ctx.throw(403, 'フォームの有効期限が切れました。もう一度お試しください。');
    }
    const remember = form.remember === 'yes';
    const result = await submitLogin(ctx, form);
    if (!result.ok) {
      return renderLogin(ctx, {
        uid: interaction.uid, csrf, loginId: result.loginId, remember, error: LOGIN_MESSAGES[result.reason],
      }, result.reason === 'locked' ? 423 : 401);
    }
    return provider.interactionFinished(ctx.req, ctx.res, {
      login: { accountId: result.accountId, remember, amr: ['pwd'] },
    }, { mergeWithLastSubmission: false });
  });

  return router;
}
