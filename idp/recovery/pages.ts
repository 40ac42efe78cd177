import type { LinkStatus } from '../accounts/one-time-links.js';
import type { UnionContext } from '../http/context.js';
import { renderPage } from '../http/render.js';

export const FORM_EXPIRED = 'フォームの有効期限が切れました。もう一度お試しください。';

const INVALID_LINK: Record<Exclude<LinkStatus, 'valid'>, string> = {
  used: 'このURLは既に使用されています（URLは1回だけ有効です）。',
  expired: 'このURLは有効期限が切れています。',
  superseded: 'より新しいメールが送信されているため、このURLは使用できません。最新のメールのURLを開いてください。',
  unknown: 'このURLは無効です。メールに記載されたURLをもう一度ご確認ください。',
};

/**
 * Renders `views/idp/recovery/<view>.ejs`, never cached. Every page can link back to the login:
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
  return showRecoveryPage(ctx, 'invalid-link', 410, { title: 'URL 無効', message: INVALID_LINK[status], restart });
}
