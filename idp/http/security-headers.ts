import type { Middleware } from 'koa';

/**
 * Headers for every response. Pages load scripts and styles from this origin only. `form-action` is
 * left out on purpose: browsers apply it to the redirects that follow a login POST, which end at the
 * relying party's redirect URI. The headers are set before the request is handled: oidc-provider's
 * auto-submit pages (form_post, end-session without a session) add their inline script's hash to
 * the CSP already on the response, and that CSP must not be overwritten afterwards.
 */
export function securityHeaders(options: { https: boolean }): Middleware {
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return async (ctx, next) => {
    ctx.set('Content-Security-Policy', csp);
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('X-Frame-Options', 'DENY');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.set('Cross-Origin-Opener-Policy', 'same-origin');
    ctx.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
    if (options.https) ctx.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    await next();
    // A handler that cleared the headers (e.g. to answer an error) still answers with our policy.
    if (!ctx.response.get('Content-Security-Policy')) ctx.set('Content-Security-Policy', csp);
  };
}
