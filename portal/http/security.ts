import crypto from 'node:crypto';
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import { localize } from './language.js';

/** Same header policy as the IdP: own-origin scripts and styles, no framing, no referrer. */
export const securityHeaders = (https: boolean): RequestHandler => (_req, res, next) => {
  res.set({
    'Content-Security-Policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
    ...(https ? { 'Strict-Transport-Security': 'max-age=31536000; includeSubDomains' } : {}),
  });
  next();
};

/** A per-session CSRF token, created on first use. */
export function csrfToken(req: Request): string {
  req.session.csrf ??= crypto.randomBytes(24).toString('base64url');
  return req.session.csrf;
}

/** Whether `actual` is the session's CSRF token (for a form read by hand, such as a multipart upload). */
export function csrfMatches(req: Request, actual: unknown): boolean {
  const expected = req.session.csrf;
  const given = typeof actual === 'string' ? actual : '';
  return Boolean(expected) && given.length === expected!.length && crypto.timingSafeEqual(Buffer.from(given), Buffer.from(expected!));
}

/**
 * The answer to a form without the session's token: most often a page left open past the session.
 * No member header (a page's `member` may be set by then, its `slug` and `csrf` are not).
 */
export function refuseForm(res: Response): void {
  res.status(403).render('portal/error', { title: res.locals.t('common.errorTitle'), message: res.locals.t('common.formExpired'), member: undefined });
}

/** Every state-changing request must echo the session's token in the `csrf` form field. */
export function requireCsrf(req: Request, res: Response, next: NextFunction): void {
  if (csrfMatches(req, req.body?.csrf)) return next();
  refuseForm(res);
}

/** Shown when even the error page cannot be rendered: no template, no request data, both languages. */
const STATIC_ERROR_PAGE = '<!doctype html><html lang="ja"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
  + '<title>エラー / Error</title><link rel="stylesheet" href="/static/kenpo.css"></head><body><main class="container"><h1>エラーが発生しました</h1>'
  + '<p class="error" role="alert">サーバーでエラーが発生しました。しばらくしてからもう一度お試しください。</p>'
  + '<p class="error" lang="en">A server error occurred. Please try again in a little while.</p></main></body></html>';

/**
 * No stack traces to people: a short message in the reader's language, the detail to the log. The
 * page needs none of the request's locals (a half-built medical page's `member` would pull in the
 * header), and falls back to static HTML if even that fails.
 */
export const errorHandler: ErrorRequestHandler = (err, req, res, next) => {
  const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
  if (status >= 500) console.error(`[portal] ${req.method} ${req.path} failed:`, err);
  if (res.headersSent) return next(err); // a download already under way: Express closes the connection
  // An error before the language middleware (a body too large) still gets the reader's language.
  if (!res.locals.text) localize(req, res);
  const { t } = res.locals;
  res.status(status).set('Cache-Control', 'no-store').render('portal/error', {
    title: t('common.errorTitle'),
    message: t(status === 413 ? 'common.tooLarge' : status < 500 ? 'common.badRequest' : 'common.serverError'),
    member: undefined, brand: undefined, retry: undefined,
  }, (renderError: unknown, html?: string) => {
    if (renderError) console.error('[portal] the error page failed to render:', renderError);
    res.type('html').send(renderError ? STATIC_ERROR_PAGE : html);
  });
};
