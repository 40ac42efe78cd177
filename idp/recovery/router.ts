import Router, { type RouterContext } from '@koa/router';
import type { UnionState } from '../http/context.js';
import { renderPage } from '../http/render.js';

/** Forgot password / forgot user ID. Until self-service recovery lands, members are sent to the union. */
export function recoveryRouter(): Router<UnionState> {
  const router = new Router<UnionState>({ prefix: '/u/:slug/recovery' });
  const page = (title: string) => async (ctx: RouterContext<UnionState>) => {
    ctx.type = 'html';
    ctx.body = await renderPage('idp/recovery-contact', { title, brand: ctx.state.issuer.union.name });
  };
  router.get('/password', page('パスワードを忘れた方'));
  router.get('/user-id', page('ユーザIDを忘れた方'));
  return router;
}
