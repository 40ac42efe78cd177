import Router from '@koa/router';
import type { UnionContext, UnionState } from '../http/context.js';
import { renderPage } from '../http/render.js';
import { textOf } from '../i18n/text.js';
import { currentTerms } from './terms-repository.js';

/**
 * The union's current terms of use for anyone to read (the portal header's 利用規約 links here); the
 * version a member accepts is asked for during login (interactions/steps/terms.ts).
 */
export function termsPageRouter(): Router<UnionState> {
  const router = new Router<UnionState>({ prefix: '/u/:slug' });
  router.get('/terms', async (ctx: UnionContext) => {
    const { union } = ctx.state.issuer;
    const terms = await currentTerms(ctx.state.db, union.slug);
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = await renderPage(ctx, 'idp/terms', { title: textOf(ctx).t('login.steps.terms.page'), brand: union.name, terms, portalUrl: union.policy.portalUrl });
  });
  return router;
}
