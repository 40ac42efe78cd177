import crypto from 'node:crypto';
import { SecretBox } from '../idp/security/encryption.js';
import { fail, startCli } from './cli.js';

const usage = `Registers a client of one union and prints its secret once (it is stored sealed).

  Admin API client (client credentials, scope admin):
    npm run client:create -- --union demo --admin --name "組合管理者"
  Relying party (authorization code + PKCE), e.g. the portal:
    npm run client:create -- --union demo --name ポータル --redirect-uri https://portal.example/u/demo/callback \\
      --post-logout-uri https://portal.example/u/demo/logged-out [--client-uri https://portal.example/u/demo/] [--medical] \\
      [--backchannel-logout-uri https://portal.example/u/demo/backchannel-logout]`;

const { values, db, config } = await startCli(usage, {
  union: { type: 'string' }, admin: { type: 'boolean' }, name: { type: 'string' }, medical: { type: 'boolean' },
  'redirect-uri': { type: 'string', multiple: true }, 'post-logout-uri': { type: 'string', multiple: true }, 'client-uri': { type: 'string' },
  'backchannel-logout-uri': { type: 'string' },
});
const slug = String(values.union ?? '');
const name = String(values.name ?? (values.admin ? 'admin' : ''));
if (!slug || !name) fail(`--union and --name are required\n\n${usage}`);

// Loaded once the settings are known good: oidc-provider warns on import about older Node versions,
// which should not be a second line under a missing setting.
const { adminClient, registerClient, webAppClient } = await import('../idp/oidc/client-registry.js');
const { ProviderRegistry } = await import('../idp/oidc/provider-registry.js');

const registry = new ProviderRegistry({ db, config, box: new SecretBox(config.dataEncryptionKey) });
const metadata = values.admin
  ? adminClient(name)
  : webAppClient({
    name,
    redirectUris: (values['redirect-uri'] as string[] | undefined) ?? fail(`--redirect-uri is required\n\n${usage}`),
    postLogoutRedirectUris: (values['post-logout-uri'] as string[] | undefined) ?? [],
    clientUri: values['client-uri'] as string | undefined,
    medical: Boolean(values.medical),
    backchannelLogoutUri: values['backchannel-logout-uri'] as string | undefined,
  });
try {
  const client = await registerClient(registry, slug, metadata);
  console.log(`client registered at ${registry.issuerUrl(slug)}
  client_id      ${client.clientId}
  client_secret  ${client.clientSecret}
This secret is shown once. Fingerprint for your records: ${crypto.createHash('sha256').update(client.clientSecret).digest('hex').slice(0, 16)}`);
} catch (err) {
  fail(`could not register the client: ${(err as { error_description?: string }).error_description ?? (err as Error).message}`);
} finally {
  await db.destroy();
}
