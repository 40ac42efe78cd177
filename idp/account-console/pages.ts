import type { UnionContext } from '../http/context.js';
import { renderPage } from '../http/render.js';
import { textOf, type IdpText } from '../i18n/text.js';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Renders `views/idp/account/<view>.ejs` (never cached) in the reader's language, with the member's
 * name and ログアウト top right; templates get `formatDate` in that language.
 */
export async function showConsolePage(
  ctx: UnionContext, view: string, status: number,
  locals: Record<string, unknown> & { title: string; memberName?: string },
): Promise<void> {
  const { union } = ctx.state.issuer;
  const base = `/u/${union.slug}/account`;
  const text = textOf(ctx);
  ctx.status = status;
  ctx.type = 'html';
  ctx.set('Cache-Control', 'no-store');
  const header = locals.memberName === undefined ? undefined
    : `<nav class="member-nav" aria-label="${escapeHtml(text.t('console.header.label'))}"><span>${escapeHtml(text.t('console.header.member', { name: locals.memberName }))}</span>`
      + `<a href="${base}/logout">${escapeHtml(text.t('console.logout'))}</a></nav>`;
  ctx.body = await renderPage(ctx, `idp/account/${view}`, {
    brand: union.name, base, errors: undefined, notice: undefined, portalUrl: union.policy.portalUrl,
    formatDate: (ms: number | null | undefined) => formatDate(text, ms), ...locals, header,
  });
}

/** A moment as the member reads it, in Japan time (the union's time). */
export const formatDate = (text: Pick<IdpText, 't'>, ms: number | null | undefined): string => {
  if (!ms) return '—';
  const d = new Date(ms + 9 * 3600_000); // 日本時間
  const time = `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
  return text.t('console.date', { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), time });
};
