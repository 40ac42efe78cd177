import Router from '@koa/router';
import { consumeLink, createLink, inspectLink, pendingLink, type LinkStatus } from '../accounts/one-time-links.js';
import { recordAudit } from '../../audit/audit-log.js';
import { readForm } from '../http/body.js';
import { clientIp, type UnionContext, type UnionState } from '../http/context.js';
import { csrfToken, isValidCsrfToken } from '../http/csrf.js';
import { renderPage } from '../http/render.js';
import { textOf, type IdpSaid } from '../i18n/text.js';
import { composeMail, mailRecipient } from '../mail/templates.js';
import { hintMemberLocale } from './member-locale.js';
import { restartUrlOf } from './restart-url.js';
import type { StepContext } from './steps/step.js';
import { refuse } from '../http/errors.js';

/**
 * A member left with no usable second factor (an admin reset in a union without e-mail OTP) sets
 * one up only after proving the verified address: a link mailed there, used during this login
 * (bound to its interaction chain), counts as that proof.
 */
export const SETUP_LINK_MINUTES = 30;
const RESEND_COOLDOWN_MS = 60_000;

export async function setupLinkPending(ctx: StepContext, chainId: string | undefined): Promise<boolean> {
  const pending = await pendingLink(ctx.db, ctx.account.id, 'setup_factor');
  return Boolean(pending && chainId && pending.payload.chain === chainId);
}

export async function mailSetupLink(ctx: StepContext, chainId: string | undefined): Promise<{ ok: true } | { ok: false; error: IdpSaid }> {
  if (!chainId || !ctx.account.email || !ctx.account.emailVerified) return { ok: false, error: 'login.noEmail' };
  const pending = await pendingLink(ctx.db, ctx.account.id, 'setup_factor');
  const wait = pending ? Math.ceil((pending.createdAt + RESEND_COOLDOWN_MS - Date.now()) / 1000) : 0;
  if (wait > 0) return { ok: false, error: { key: 'login.resendWait', params: { seconds: wait } } };
  const { token } = await createLink(ctx.db, {
    unionSlug: ctx.union.slug, accountId: ctx.account.id, purpose: 'setup_factor', ttlMs: SETUP_LINK_MINUTES * 60_000, payload: { chain: chainId },
  });
  const to = mailRecipient(ctx.account.email, ctx.account.language, ctx.locale);
  await ctx.mailer.send(await composeMail(ctx.union, 'noReply', to, 'setup-factor', 'mail.setupFactor.subject', {
    link: `${ctx.issuerUrl}/setup-link/${token}`, validMinutes: SETUP_LINK_MINUTES,
  }));
  return { ok: true };
}

const INVALID: Record<Exclude<LinkStatus, 'valid'>, IdpSaid> = {
  used: 'login.setupLink.used', expired: 'login.setupLink.expired', superseded: 'login.setupLink.superseded', unknown: 'login.link.unknown',
};

async function page(ctx: UnionContext, status: number, locals: Record<string, unknown>) {
  ctx.status = status;
  ctx.type = 'html';
  ctx.set('Cache-Control', 'no-store');
  ctx.body = await renderPage(ctx, 'idp/setup-link', { title: textOf(ctx).t('login.mfa.title.setupLink'), brand: ctx.state.issuer.union.name, restartUrl: restartUrlOf(ctx.state.issuer.union), invalid: undefined, confirmed: false, csrf: undefined, ...locals });
}

/** The mailed link: GET shows a button (mail scanners open links), its POST proves the mailbox, once. */
export function setupLinkRouter(): Router<UnionState> {
  const router = new Router<UnionState>({ prefix: '/u/:slug/setup-link/:token' });

  router.get('/', async (ctx) => {
    const { status, link } = await inspectLink(ctx.state.db, ctx.state.issuer.union.slug, 'setup_factor', ctx.params.token);
    await hintMemberLocale(ctx, link?.accountId);
    if (status !== 'valid') return page(ctx, 410, { invalid: INVALID[status] });
    return page(ctx, 200, { csrf: csrfToken(ctx.state.csrfSecret, `setup-link:${ctx.params.token}`) });
  });

  router.post('/', async (ctx) => {
    const form = await readForm(ctx);
    if (!isValidCsrfToken(ctx.state.csrfSecret, `setup-link:${ctx.params.token}`, form.csrf)) refuse(ctx, 403, 'common.formExpiredOpenLink');
    const { status, link } = await consumeLink(ctx.state.db, ctx.state.issuer.union.slug, 'setup_factor', ctx.params.token);
    if (status !== 'valid' || !link) return page(ctx, 410, { invalid: INVALID[status as Exclude<LinkStatus, 'valid'>] });
    await hintMemberLocale(ctx, link.accountId);
    await recordAudit(ctx.state.db, { unionSlug: ctx.state.issuer.union.slug, actor: `member:${link.accountId}`, action: 'login.setup_link.used', target: link.accountId, outcome: 'success', ip: clientIp(ctx) });
    return page(ctx, 200, { confirmed: true });
  });

  return router;
}
