import type { Server } from 'node:http';
import Koa from 'koa';
import type { Database } from '../migrations/database.js';
import { accountConsoleRouter } from './account-console/router.js';
import { adminRouters } from './admin/router.js';
import type { IdpConfig } from './config.js';
import type { UnionContext, UnionState } from './http/context.js';
import { trustThisBrowser } from './interactions/device-cookie.js';
import type { Mailer } from '../mail/mailer.js';
import { errorHandler } from './http/errors.js';
import { koaProxyFlag, trustedForwarding } from './http/forwarded.js';
import { securityHeaders } from './http/security-headers.js';
import { requestCache } from './http/request-cache.js';
import { staticAssets } from './http/static-assets.js';
import { rememberLanguageSwitch } from './http/language-switch.js';
import { interactionRouter } from './interactions/router.js';
import { emailVerificationRouter } from './interactions/email-verification.js';
import { configurePasswordHashing } from './accounts/password-hasher.js';
import { createMailer } from '../mail/mailer.js';
import { mfaRouter } from './interactions/mfa-step.js';
import { setupLinkRouter } from './interactions/setup-link.js';
import { ProviderRegistry } from './oidc/provider-registry.js';
import { recoveryRouter } from './recovery/router.js';
import { termsPageRouter } from './terms/terms-page.js';
import { SecretBox } from './security/encryption.js';
import { MaintenanceFeeds } from './unions/maintenance-feed.js';

const UNION_PATH = /^\/u\/([^/]+)(?:\/|$)/;

/**
 * The provider's protocol routes; a request that completed a login (oidc-provider's
 * authorization.success marks it, see provider-registry.ts) leaves this browser trusted for the
 * account before the answer goes out (lockout without denial of service).
 */
function protocolRoutes(routes: Koa.Middleware): Koa.Middleware<UnionState> {
  return async (ctx, next) => {
    await routes(ctx as never, next);
    const accountId = ctx.state.completedLoginFor;
    if (accountId) await trustThisBrowser(ctx as unknown as UnionContext, accountId);
  };
}

export interface Idp {
  app: Koa<UnionState>;
  registry: ProviderRegistry;
  mailer: Mailer;
  maintenance: MaintenanceFeeds;
  listen(port: number, host?: string): Promise<Server>;
}

/** The IdP: one Koa app; each union's issuer, screens and admin API live under `/u/<slug>`. */
export function createIdp(config: IdpConfig, db: Database): Idp {
  configurePasswordHashing(config.passwordHashing);
  const mailer = createMailer({ smtpUrl: config.smtpUrl, mailDir: config.mailDir });
  const box = new SecretBox(config.dataEncryptionKey);
  const registry = new ProviderRegistry({ db, config, box });
  const maintenance = new MaintenanceFeeds();
  const app = new Koa<UnionState>({ proxy: koaProxyFlag(config.trustProxy), keys: config.cookieKeys });
  const unionRoutes = [interactionRouter(), mfaRouter(), emailVerificationRouter(), setupLinkRouter(), ...adminRouters(), recoveryRouter(), termsPageRouter(), accountConsoleRouter(registry)].map((r) => r.routes());

  app.use(requestCache());
  app.use(trustedForwarding(config.trustProxy));
  app.use(errorHandler());
  app.use(securityHeaders({ https: config.baseUrl.startsWith('https:') }));
  app.use(staticAssets());
  app.use(rememberLanguageSwitch({ https: config.baseUrl.startsWith('https:') }));
  app.use(async (ctx, next) => {
    if (ctx.path === '/healthz') {
      ctx.body = { status: 'ok' };
      return;
    }
    const match = UNION_PATH.exec(ctx.path);
    if (!match) return next();
    const issuer = await registry.get(match[1]);
    if (!issuer) return next();
    ctx.state.issuer = issuer;
    ctx.state.db = db;
    ctx.state.mailer = mailer;
    ctx.state.dataKey = config.dataEncryptionKey;
    ctx.state.csrfSecret = config.cookieKeys[0];
    ctx.state.maintenance = maintenance;
    // Our routes first (interactions, admin, recovery); anything else is the provider's protocol.
    const chain = [...unionRoutes, protocolRoutes(issuer.routes)];
    const run = (i: number): Promise<void> => (i < chain.length ? chain[i](ctx as never, () => run(i + 1)) : next());
    return run(0);
  });

  return {
    app,
    registry,
    mailer,
    maintenance,
    listen: (port, host = '127.0.0.1') => new Promise((resolve) => {
      const server = app.listen(port, host, () => resolve(server));
    }),
  };
}
