import type { KoaContextWithOIDC } from 'oidc-provider';

/** The pages oidc-provider renders follow the request's ui_locales (authorization or logout), when it has read them. */
export function hintUiLocales(ctx: KoaContextWithOIDC): void {
  const uiLocales = ctx.oidc?.params?.ui_locales;
  if (typeof uiLocales === 'string') ctx.state.localeHints = { uiLocales };
}
