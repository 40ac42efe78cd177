import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { recordAudit } from '../../audit/audit-log.js';
import type { Locale } from '../../i18n/locale.js';
import type { Database } from '../../migrations/database.js';
import type { PortalUnion } from '../config.js';
import type { PortalTokenVerifier } from '../medical/access-token.js';
import { authenticatePortalAdmin } from './admin-token.js';
import { adminLocale, ApiError, notFound } from './api-error.js';
import { openApiDocument } from './openapi.js';

/** One admin call as a handler sees it, authenticated. */
export interface AdminCall {
  req: Request;
  union: PortalUnion;
  clientId: string;
  locale: Locale;
  /** What the audit entry says was done and to whom; the handler may refine it. Never secrets. */
  audit: { action: string; target?: string | null; detail?: Record<string, unknown> };
}

export interface AdminAnswer {
  status?: number;
  body?: unknown;
}

export type AdminHandler = (call: AdminCall) => Promise<AdminAnswer>;

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
export type AdminRoutes = Record<Method, (path: string, action: string, handler: AdminHandler) => void>;

/** A slice of the admin API (notices, MY mail…): its routes and their OpenAPI description. */
export interface AdminFeature {
  /** OpenAPI path items, relative to `/admin/v1`. */
  paths: Record<string, object>;
  /** OpenAPI component schemas the paths refer to. */
  schemas?: Record<string, object>;
  routes(api: AdminRoutes): void;
}

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/**
 * The union administrators' JSON API on the portal, at `/u/<slug>/admin/v1`: every call, allowed or
 * not, is authenticated by an access token of the union's issuer and written to the portal's audit
 * log before the answer leaves.
 */
export function portalAdminRouter(deps: { db: Database; verifier: PortalTokenVerifier; features: AdminFeature[] }): Router {
  const router = Router({ mergeParams: true });
  const unionOf = (res: Response) => res.locals.union as PortalUnion;

  router.get('/openapi.json', (req, res) => {
    res.json(openApiDocument(`${req.protocol}://${req.get('host')}/u/${unionOf(res).slug}/admin/v1`, deps.features));
  });

  const api = Router({ mergeParams: true });
  api.use(express.json({ limit: '256kb', type: 'application/json' }));

  const answer = (req: Request, res: Response, action: string, handler: AdminHandler | undefined) => async () => {
    const union = unionOf(res);
    const locale = adminLocale(req.get('accept-language'));
    const audit: AdminCall['audit'] = { action };
    let clientId: string | undefined;
    let status = 200;
    let body: unknown;
    try {
      clientId = (await authenticatePortalAdmin(deps.verifier, union, req.get('authorization'))).clientId;
      if (!handler) throw notFound();
      if (WITH_BODY.has(req.method) && !req.is('application/json')) throw new ApiError(415, 'invalid_body', 'admin.error.expectedJson');
      const result = await handler({ req, union, clientId, locale, audit });
      status = result.status ?? 200;
      body = result.body;
    } catch (err) {
      if (!(err instanceof ApiError)) console.error(`[portal:${union.slug}] admin API error`, err);
      const apiError = err instanceof ApiError ? err : new ApiError(500, 'server_error', 'admin.error.internal');
      status = apiError.status;
      body = apiError.toJSON(locale);
      if (status === 401) res.set('WWW-Authenticate', 'Bearer error="invalid_token"');
    }
    await recordAudit(deps.db, {
      unionSlug: union.slug, actor: clientId ? `admin:${clientId}` : 'anonymous', action: audit.action, target: audit.target ?? null,
      outcome: status < 400 ? 'success' : status === 401 || status === 403 ? 'denied' : 'failure',
      ip: req.ip ?? null, detail: { ...audit.detail, status },
    });
    res.set('Cache-Control', 'no-store');
    if (body === undefined) res.status(status).end();
    else res.status(status).json(body);
  };

  const routes = Object.fromEntries((['get', 'post', 'put', 'patch', 'delete'] as const).map((method) => [
    method,
    (path: string, action: string, handler: AdminHandler) => {
      api[method](path, (req, res, next) => { answer(req, res, action, handler)().catch(next); });
    },
  ])) as AdminRoutes;
  for (const feature of deps.features) feature.routes(routes);

  // Anything else under /v1 is an API 404 (after authentication: no probing of paths without a token).
  api.use((req, res, next) => { answer(req, res, `admin.${req.method} unknown`, undefined)().catch(next); });
  // A body the JSON parser refused (malformed, too large) is an API error too.
  api.use((err: { status?: number; type?: string }, req: Request, res: Response, next: NextFunction) => {
    if (!err || typeof err.status !== 'number') return next(err);
    const apiError = err.status === 413
      ? new ApiError(413, 'payload_too_large', 'admin.error.tooLarge')
      : new ApiError(400, 'invalid_body', 'admin.error.invalidJson');
    res.status(apiError.status).set('Cache-Control', 'no-store').json(apiError.toJSON(adminLocale(req.get('accept-language'))));
  });
  router.use('/v1', api);
  return router;
}
