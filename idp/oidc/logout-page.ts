import type { KoaContextWithOIDC } from 'oidc-provider';
import { renderPage } from '../http/render.js';
import { textOf } from '../i18n/text.js';
import { hintUiLocales } from './ui-locales.js';
import type { Union } from '../unions/union-repository.js';

/**
 * 「ログアウトしてもよろしいですか？」. キャンセル is a plain link back to the application, never a
 * submission: oidc-provider would otherwise still log the member out of that application (and tell
 * it by back-channel), which is not what キャンセル promises.
 */
export function confirmLogoutPage(union: Union) {
  return async (ctx: KoaContextWithOIDC, form: string): Promise<void> => {
    const clientUri = ctx.oidc.client?.clientUri;
    hintUiLocales(ctx);
    ctx.type = 'html';
    ctx.body = await renderPage(ctx, 'idp/logout', {
      title: textOf(ctx).t('login.logout.title'),
      brand: union.name,
      form,
      cancelUrl: clientUri ?? union.policy.portalUrl ?? `/u/${union.slug}/account/`,
    });
  };
}
