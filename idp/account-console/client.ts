import * as oidc from 'openid-client';
import type { Database } from '../../migrations/database.js';
import { registerClient, webAppClient } from '../oidc/client-registry.js';
import type { ProviderRegistry } from '../oidc/provider-registry.js';
import type { SecretBox } from '../security/encryption.js';

/**
 * Why a relying party and not oidc-provider's own session: the provider's session is internal to
 * it (reading its cookie from our routes would tie us to private APIs), while an ordinary login of
 * a first-party client gives us a verified ID token with `auth_time`, `acr` and `amr`, and
 * re-authentication is just another authorization request with `max_age` — the same prompts,
 * lockout and second factors as every other app (like Keycloak's account console).
 */

export const CONSOLE_SCOPE = 'openid profile email';

export const consolePath = (slug: string) => `/u/${slug}/account`;

interface ConsoleClientRow { union_slug: string; client_id: string; client_secret: string }

const configsOf = new WeakMap<ProviderRegistry, Map<string, Promise<oidc.Configuration>>>();

/** The union's console client, registered on first use (its secret sealed at rest). */
async function consoleClient(registry: ProviderRegistry, db: Database, box: SecretBox, slug: string) {
  const existing = await db<ConsoleClientRow>('account_console_clients').where({ union_slug: slug }).first();
  if (existing) return { clientId: existing.client_id, clientSecret: box.open(existing.client_secret) };
  const base = `${registry.deps.config.baseUrl}${consolePath(slug)}`;
  const registered = await registerClient(registry, slug, {
    ...webAppClient({ name: 'アカウント管理', redirectUris: [`${base}/callback`], postLogoutRedirectUris: [`${base}/logged-out`], clientUri: `${base}/` }),
    // The console decides on re-authentication by the ID token's auth_time.
    require_auth_time: true,
  });
  // Two processes registering at once: the first row wins, the loser's client is never used.
  await db('account_console_clients').insert({
    union_slug: slug, client_id: registered.clientId, client_secret: box.seal(registered.clientSecret), created_at: Date.now(),
  }).onConflict('union_slug').ignore();
  const row = (await db<ConsoleClientRow>('account_console_clients').where({ union_slug: slug }).first())!;
  return { clientId: row.client_id, clientSecret: box.open(row.client_secret) };
}

/** openid-client's view of the union's issuer for the console client; discovery runs once per union. */
export function consoleConfig(registry: ProviderRegistry, slug: string): Promise<oidc.Configuration> {
  const configs = configsOf.get(registry) ?? new Map<string, Promise<oidc.Configuration>>();
  configsOf.set(registry, configs);
  let config = configs.get(slug);
  if (!config) {
    config = (async () => {
      const { db, box } = registry.deps;
      const client = await consoleClient(registry, db, box, slug);
      const issuer = new URL(registry.issuerUrl(slug));
      return oidc.discovery(issuer, client.clientId, client.clientSecret, oidc.ClientSecretBasic(client.clientSecret), {
        // Plain http only for the local demo and tests on loopback; production issuers are https.
        execute: issuer.protocol === 'http:' ? [oidc.allowInsecureRequests] : [],
      });
    })();
    configs.set(slug, config);
    config.catch(() => configs.delete(slug));
  }
  return config;
}
