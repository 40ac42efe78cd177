import type { LinkStatus } from '../accounts/one-time-links.js';
import type { UnionContext } from '../http/context.js';
import { renderPage } from '../http/render.js';
import { textOf } from '../i18n/text.js';

/**
 * Renders `views/idp/recovery/<view>.ejs` in the request's language (no member is known here), never cached. Every page can link back to the login:
 * the union's portal (its top page starts the login); without one, the page says to go back to the app.
 */
export async function showRecoveryPage(
  ctx: UnionContext, view: string, status: number, locals: Record<string, unknown> & { title: string },
): Promise<void> {
  const { union } = ctx.state.issuer;
  ctx.status = status;
  ctx.type = 'html';
  ctx.set('Cache-Control', 'no-store');
  ctx.body = await renderPage(ctx, `idp/recovery/${view}`, {
    brand: union.name, loginUrl: union.policy.portalUrl, consoleUrl: `/u/${union.slug}/account/`, base: `/u/${union.slug}/recovery`, errors: undefined, ...locals,
  });
}

/** 「URL 無効」: why, and where to start again (`restart`: the request form the link came from). */
export function showInvalidLink(ctx: UnionContext, status: Exclude<LinkStatus, 'valid'>, restart: 'password' | 'user-id') {
  return showRecoveryPage(ctx, 'invalid-link', 410, { title: textOf(ctx).t('console.linkInvalidTitle'), message: `recovery.link.${status}`, restart });
}
