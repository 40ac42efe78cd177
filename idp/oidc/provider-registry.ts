import type { Middleware } from 'koa';
import mount from 'koa-mount';
import Provider from 'oidc-provider';
import { recordSessionUse } from '../accounts/sessions.js';
import { clientIp } from '../http/context.js';
import { findUnion, type Union } from '../unions/union-repository.js';
import { routeBackchannelThroughOutbox } from './backchannel-logout.js';
import { providerConfiguration, unionPath, type ProviderDeps } from './configuration.js';
import { endSessionsPastLimit } from './session-lifetime.js';
import { loadSigningKeys, signingKeysVersion } from './signing-keys.js';

export interface UnionIssuer {
  union: Union;
  provider: Provider;
  /** The provider's own routes, mounted under the union's path. */
  routes: Middleware;
}

/**
 * How often a process looks whether a union's key set changed (a rotation's key published, starting
 * to sign, or retired): one small query per union, at most this often, by the first request after.
 */
export const KEY_CHECK_MS = 5_000;

interface Entry {
  issuer: UnionIssuer;
  /** The key set the provider was built with (signing-keys.ts). */
  version: string;
  checkedAt: number;
  checking?: Promise<void>;
}

/**
 * One oidc-provider instance per union, created on first use. oidc-provider takes its keys at
 * construction, so when the union's key set changes the instance is replaced by a new one: all
 * state (sessions, interactions, codes, tokens) is in the database and cookies are signed with the
 * same keys, so the new instance carries on every login, exactly as another process would; a
 * request already running finishes on the instance it started with.
 */
export class ProviderRegistry {
  private readonly entries = new Map<string, Entry>();
  private readonly creating = new Map<string, Promise<Entry | undefined>>();

  constructor(readonly deps: ProviderDeps) {}

  issuerUrl(slug: string): string {
    return this.deps.config.baseUrl + unionPath(slug);
  }

  async get(slug: string): Promise<UnionIssuer | undefined> {
    const entry = this.entries.get(slug);
    if (entry) {
      // No request is answered with a key set older than KEY_CHECK_MS: requests meanwhile wait for the one check.
      if (Date.now() - entry.checkedAt >= KEY_CHECK_MS) await (entry.checking ??= this.refresh(slug, entry));
      return (this.entries.get(slug) ?? entry).issuer;
    }
    let creating = this.creating.get(slug);
    if (!creating) {
      creating = this.build(slug).finally(() => this.creating.delete(slug));
      this.creating.set(slug, creating);
    }
    return (await creating)?.issuer;
  }

  private async build(slug: string): Promise<Entry | undefined> {
    const union = await findUnion(this.deps.db, slug);
    if (!union) return undefined;
    const { keys, version } = await loadSigningKeys(this.deps.db, union.slug, this.deps.box);
    const entry: Entry = { issuer: this.create(union, keys), version, checkedAt: Date.now() };
    this.entries.set(slug, entry);
    return entry;
  }

  private async refresh(slug: string, entry: Entry): Promise<void> {
    try {
      const changed = (await signingKeysVersion(this.deps.db, slug)) !== entry.version;
      if (changed) await this.build(slug);
    } catch (err) {
      console.error(`[idp:${slug}] signing keys not reloaded`, err);
    } finally {
      entry.checkedAt = Date.now();
      entry.checking = undefined;
    }
  }

  private create(union: Union, keys: Awaited<ReturnType<typeof loadSigningKeys>>['keys']): UnionIssuer {
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
