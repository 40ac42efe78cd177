import Router from '@koa/router';
import { adoptVerifiedEmail } from '../accounts/email-address.js';
import { consumeLink, inspectLink, type LinkStatus } from '../accounts/one-time-links.js';
import { recordAudit } from '../../audit/audit-log.js';
import { readForm } from '../http/body.js';
import { clientIp, type UnionContext, type UnionState } from '../http/context.js';
import { csrfToken, isValidCsrfToken } from '../http/csrf.js';
import { renderPage } from '../http/render.js';
import { textOf, type IdpSaid } from '../i18n/text.js';
import { hintMemberLocale } from './member-locale.js';
import { restartUrlOf } from './restart-url.js';
import { refuse } from '../http/errors.js';

const INVALID: Record<Exclude<LinkStatus, 'valid'>, IdpSaid> = {
  used: 'login.emailVerification.used', expired: 'login.emailVerification.expired', superseded: 'login.emailVerification.superseded', unknown: 'login.link.unknown',
};

async function page(ctx: UnionContext, status: number, locals: Record<string, unknown>) {
  ctx.status = status;
  ctx.type = 'html';
  ctx.set('Cache-Control', 'no-store');
  ctx.body = await renderPage(ctx, 'idp/email-verification', {
    title: textOf(ctx).t('login.emailVerification.title'), brand: ctx.state.issuer.union.name, restartUrl: restartUrlOf(ctx.state.issuer.union), invalid: undefined, confirmed: false, csrf: undefined, ...locals,
  });
}

/**
 * The link from the verification mail. Opening it (GET) only shows a button, because mail scanners
 * open links too; the POST of that button verifies the address, once.
 */
export function emailVerificationRouter(): Router<UnionState> {
  const router = new Router<UnionState>({ prefix: '/u/:slug/email-verification/:token' });

  router.get('/', async (ctx) => {
    const { status, link } = await inspectLink(ctx.state.db, ctx.state.issuer.union.slug, 'verify_email', ctx.params.token);
    await hintMemberLocale(ctx, link?.accountId);
    if (status !== 'valid') return page(ctx, 410, { invalid: INVALID[status] });
    return page(ctx, 200, { csrf: csrfToken(ctx.state.csrfSecret, `verify:${ctx.params.token}`) });
  });

  router.post('/', async (ctx) => {
    const { db, issuer: { union } } = ctx.state;
    const form = await readForm(ctx);
    if (!isValidCsrfToken(ctx.state.csrfSecret, `verify:${ctx.params.token}`, form.csrf)) refuse(ctx, 403, 'common.formExpiredOpenLink');
    const { status, link } = await consumeLink(db, union.slug, 'verify_email', ctx.params.token);
    if (status !== 'valid' || !link) return page(ctx, 410, { invalid: INVALID[status as Exclude<LinkStatus, 'valid'>] });
    await hintMemberLocale(ctx, link.accountId);
    if (await adoptVerifiedEmail(db, union.slug, link.accountId, link.payload.email) === 'taken') return page(ctx, 409, { invalid: 'fields.email.taken' });
    await recordAudit(db, { unionSlug: union.slug, actor: `member:${link.accountId}`, action: 'email.verified', target: link.accountId, outcome: 'success', ip: clientIp(ctx) });
    return page(ctx, 200, { confirmed: true });
  });

  return router;
}
