import type { RouterContext } from '@koa/router';
import type { Database } from '../../migrations/database.js';
import type { LocaleState } from '../i18n/text.js';
import type { Mailer } from '../../mail/mailer.js';
import type { UnionIssuer } from '../oidc/provider-registry.js';
import type { MaintenanceFeeds } from '../unions/maintenance-feed.js';

/** What the union dispatcher puts on every request under `/u/<slug>`. */
export interface UnionState extends LocaleState {
  issuer: UnionIssuer;
  db: Database;
  mailer: Mailer;
  /** Seals secrets at rest (TOTP seeds). */
  dataKey: Buffer;
  /** Signs CSRF tokens (the first cookie key). */
  csrfSecret: string;
  /** The maintenance windows the unions' portals announce (the login page's banner). */
  maintenance: MaintenanceFeeds;
  /** Set when this request completed a login of this account (the browser becomes trusted). */
  completedLoginFor?: string;
}

export type UnionContext = RouterContext<UnionState>;

/** The client's address for limits, audit and session devices: forwarded.ts makes `ctx.ip` the right-most untrusted hop. */
export const clientIp = (ctx: { ip: string }) => ctx.ip;
