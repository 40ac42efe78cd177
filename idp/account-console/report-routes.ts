import type Router from '@koa/router';
import { readForm } from '../http/body.js';
import { clientIp, type UnionState } from '../http/context.js';
import { csrfToken, isValidCsrfToken } from '../http/csrf.js';
import { showConsolePage } from './pages.js';
import { checkReportLink, INVALID_REPORT_LINK, reportFactorChange } from './report-change.js';
import { refuse } from '../http/errors.js';
import { textOf } from '../i18n/text.js';

/**
 * `/report/:token`, the 「お心当たりがない場合」 link of a factor-change notice. No console login: the
 * member may be locked out by whoever made the change. GET only shows the button (mail scanners
 * open links); the POST, with a CSRF token bound to the link, uses it.
 */
export function reportRoutes(router: Router<UnionState>): void {
  const bound = (token: string) => `report-change:${token}`;

  router.get('/report/:token', async (ctx) => {
    const status = await checkReportLink(ctx.state.db, ctx.state.issuer.union.slug, ctx.params.token);
    const { t } = textOf(ctx);
    if (status !== 'valid') return showConsolePage(ctx, 'message', 410, { title: t('console.linkInvalidTitle'), message: INVALID_REPORT_LINK[status] });
    return showConsolePage(ctx, 'report-confirm', 200, {
      title: t('console.report.title'), csrf: csrfToken(ctx.state.csrfSecret, bound(ctx.params.token)), token: ctx.params.token,
    });
  });

  router.post('/report/:token', async (ctx) => {
    const form = await readForm(ctx);
    if (!isValidCsrfToken(ctx.state.csrfSecret, bound(ctx.params.token), form.csrf)) refuse(ctx, 403, 'common.formExpired');
    const { union, provider } = ctx.state.issuer;
    const outcome = await reportFactorChange({ db: ctx.state.db, unionSlug: union.slug, provider, ip: clientIp(ctx) }, ctx.params.token);
    const { t } = textOf(ctx);
    if (outcome.kind !== 'done') return showConsolePage(ctx, 'message', 410, { title: t('console.linkInvalidTitle'), message: outcome.message });
    return showConsolePage(ctx, 'report-done', 200, { title: t('console.report.doneTitle'), recoveryUrl: `/u/${union.slug}/recovery/password` });
  });
}
