import type Router from '@koa/router';
import type { UnionContext, UnionState } from '../http/context.js';
import { RECOVERY_CODE_COUNT, recoveryCodeSummary } from '../mfa/recovery-codes.js';
import type { ConsoleKit } from './console-kit.js';
import { issueRecoveryCodes, RECOVERY_FILE_NAME, recoveryCodesFile } from './recovery-code-actions.js';
import { textOf } from '../i18n/text.js';

/**
 * リカバリーコード (ログイン方法変更): a confirmation page, then a sensitive POST that shows the new
 * codes once. They are never stored in plain text, so no page can show them again.
 */
export function recoveryCodeRoutes(router: Router<UnionState>, kit: ConsoleKit): void {
  const { sensitivePage, sensitiveForm, page, deps } = kit;
  const allowed = (ctx: UnionContext) => {
    if (!ctx.state.issuer.union.policy.mfa.recoveryCodes) ctx.throw(404);
  };

  router.get('/recovery-codes', async (ctx) => {
    allowed(ctx);
    const signed = await sensitivePage(ctx);
    if (!signed) return;
    const summary = await recoveryCodeSummary(ctx.state.db, signed.account.id);
    return page(ctx, signed, 'recovery-codes', 200, {
      title: textOf(ctx).t(summary.total ? 'console.recoveryCodes.titleRegenerate' : 'console.recoveryCodes.titleGenerate'), summary, count: RECOVERY_CODE_COUNT,
    });
  });

  router.post('/recovery-codes', async (ctx) => {
    allowed(ctx);
    const sensitive = await sensitiveForm(ctx);
    if (!sensitive) return;
    const { signed } = sensitive;
    const codes = await issueRecoveryCodes(deps(ctx, signed), { userAgent: ctx.get('user-agent') });
    const { union } = ctx.state.issuer;
    const text = textOf(ctx);
    // The file is a data: URL on a download link: no script, and the codes never travel again. It is in the page's language.
    const file = `data:text/plain;charset=utf-8,${encodeURIComponent(recoveryCodesFile(text, union.name, Date.now(), codes))}`;
    return page(ctx, signed, 'recovery-codes-issued', 200, { title: text.t('console.recoveryCodes.heading'), codes, file, fileName: RECOVERY_FILE_NAME });
  });
}
