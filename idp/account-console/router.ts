import Router from '@koa/router';
import type { UnionState } from '../http/context.js';
import type { ProviderRegistry } from '../oidc/provider-registry.js';
import { createConsoleKit, isNoticeKey } from './console-kit.js';
import { loginRoutes } from './login-routes.js';
import { profileRoutes } from './profile-routes.js';
import { reportRoutes } from './report-routes.js';
import { recoveryCodeRoutes } from './recovery-code-routes.js';
import { securityRoutes } from './security-routes.js';
import { sessionRoutes } from './session-routes.js';
import { textOf } from '../i18n/text.js';

/**
 * アカウント管理 at `/u/<slug>/account/…` (SPEC §4.4): a first-party relying party of the union's
 * own issuer (client.ts says why). Thin routes, one module per page group; the changes themselves
 * are in actions.ts.
 */
export function accountConsoleRouter(registry: ProviderRegistry): Router<UnionState> {
  const router = new Router<UnionState>({ prefix: '/u/:slug/account' });
  const kit = createConsoleKit(registry);
  const { signedIn, page, notice } = kit;

  router.use(async (ctx, next) => {
    ctx.set('Cache-Control', 'no-store');
    // A ?notice= that is not one of ours leaves the URL: the language switch's links would carry it on.
    if (ctx.method === 'GET' && ctx.query.notice !== undefined && !isNoticeKey(ctx.query.notice)) {
      const url = new URL(ctx.url, 'http://x');
      url.searchParams.delete('notice');
      ctx.status = 303;
      return ctx.redirect(`${url.pathname}${url.search}`);
    }
    await next();
  });

  loginRoutes(router, kit);
  router.get('/', async (ctx) => {
    const signed = await signedIn(ctx);
    if (!signed) return;
    return page(ctx, signed, 'home', 200, { title: textOf(ctx).t('console.home.title'), notice: notice(ctx) });
  });
  securityRoutes(router, kit);
  recoveryCodeRoutes(router, kit);
  sessionRoutes(router, kit);
  profileRoutes(router, kit);
  reportRoutes(router);
  return router;
}
