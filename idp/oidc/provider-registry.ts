import type { Middleware } from 'koa';
import mount from 'koa-mount';
import Provider from 'oidc-provider';
import { recordSessionUse } from '../accounts/sessions.js';
import { clientIp } from '../http/context.js';
import { findUnion, type Union } from '../unions/union-repository.js';
import { routeBackchannelThroughOutbox } from './backchannel-logout.js';
import { providerConfiguration, unionPath, type ProviderDeps } from './configuration.js';
import { endSessionsPastLimit } from './session-lifetime.js';
import { loadSigningKeys } from './signing-keys.js';

export interface UnionIssuer {
  union: Union;
  provider: Provider;
  /** The provider's own routes, mounted under the union's path. */
  routes: Middleware;
}

/** One oidc-provider instance per union, created on first use and kept for the life of the process. */
export class ProviderRegistry {
  private readonly issuers = new Map<string, Promise<UnionIssuer>>();

  constructor(readonly deps: ProviderDeps) {}

  issuerUrl(slug: string): string {
    return this.deps.config.baseUrl + unionPath(slug);
  }

  async get(slug: string): Promise<UnionIssuer | undefined> {
    const cached = this.issuers.get(slug);
    if (cached) return cached;
    const union = await findUnion(this.deps.db, slug);
    if (!union) return undefined;
    const created = this.create(union);
    this.issuers.set(slug, created);
    created.catch(() => this.issuers.delete(slug));
    return created;
  }

  private async create(union: Union): Promise<UnionIssuer> {
    const keys = await loadSigningKeys(this.deps.db, union.slug, this.deps.box);
    const provider = new Provider(this.issuerUrl(union.slug), providerConfiguration(union, { keys }, this.deps));
    // Every back-channel logout, end_session's too, is queued and delivered by the outbox worker.
    routeBackchannelThroughOutbox(provider, this.deps.db, union.slug, this.deps.box);
    provider.on('server_error', (_ctx, err) => console.error(`[idp:${union.slug}] server_error`, err));
    // A session past the union's absolute limit is ended before any route can resume it.
    provider.use(endSessionsPastLimit(provider, union.policy.sessionLifetimes));
    provider.on('backchannel.error', (_ctx, err, client) => console.warn(`[idp:${union.slug}] back-channel logout to ${client.clientId} failed`, err.message));
    // Every sign-in through a session (login or single sign-on) updates its device and last use.
    provider.on('authorization.success', (ctx) => {
      const session = ctx.oidc.session;
      if (!session?.accountId) return;
      (ctx.state as { completedLoginFor?: string }).completedLoginFor = session.accountId;
      recordSessionUse(this.deps.db, {
        unionSlug: union.slug, sessionUid: session.uid, accountId: session.accountId, userAgent: ctx.get('user-agent'), ip: clientIp(ctx),
      }).catch((err) => console.warn(`[idp:${union.slug}] session device not recorded`, (err as Error).message));
    });
    return { union, provider, routes: mount(unionPath(union.slug), provider) as unknown as Middleware };
  }
}
