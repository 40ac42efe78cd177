import type { UnionContext } from '../http/context.js';
import { renderPage } from '../http/render.js';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Renders `views/idp/account/<view>.ejs` (never cached), with the member's name and ログアウト top right. */
export async function showConsolePage(
  ctx: UnionContext, view: string, status: number,
  locals: Record<string, unknown> & { title: string; memberName?: string },
): Promise<void> {
  const { union } = ctx.state.issuer;
  const base = `/u/${union.slug}/account`;
  ctx.status = status;
  ctx.type = 'html';
  ctx.set('Cache-Control', 'no-store');
  const header = locals.memberName === undefined ? undefined
    : `<nav class="member-nav" aria-label="アカウント"><span>${escapeHtml(locals.memberName)} 様</span><a href="${base}/logout">ログアウト</a></nav>`;
  ctx.body = await renderPage(ctx, `idp/account/${view}`, {
    brand: union.name, base, errors: undefined, notice: undefined, portalUrl: union.policy.portalUrl, ...locals, header,
  });
}

export const formatDate = (ms: number | null | undefined): string => {
  if (!ms) return '—';
  const d = new Date(ms + 9 * 3600_000); // 日本時間
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
};
