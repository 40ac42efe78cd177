import crypto from 'node:crypto';
import http from 'node:http';
import Provider from 'oidc-provider';
import { verifyPassword } from '../../idp/accounts/password-hasher.js';
import { TTL } from '../../idp/oidc/ttl.js';
import { REDIRECT_URI } from './browser.js';
import type { Client, Target } from './flows.js';
import { closeServer, listenOnFreePort } from './harness.js';

/**
 * The baseline: oidc-provider as its README shows it, with nothing of kenpo-id — in-memory storage
 * (the library's development adapter), one static client, a password-only interaction that checks
 * the same argon2id hash (verifyPassword) and grants consent in the same step, PKCE required, RS256
 * ID tokens, opaque client-credentials tokens for one resource server, kenpo-id's token lifetimes. It is the library's ceiling on
 * this machine: no database, no lockout, no CSRF, no audit, no second factor.
 */
export interface BareProvider {
  login: Target;
  offline: Target;
  clientCredentials: Target;
  close(): Promise<void>;
}

const RESOURCE = 'urn:bench:api';

export async function startBareProvider(users: Map<string, string>): Promise<BareProvider> {
  const { server, url } = await listenOnFreePort();
  const client: Client = { clientId: 'bare', clientSecret: crypto.randomBytes(32).toString('base64url') };
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const provider = new Provider(url, {
    clients: [{
      client_id: client.clientId, client_secret: client.clientSecret, redirect_uris: [REDIRECT_URI],
      grant_types: ['authorization_code', 'refresh_token', 'client_credentials'], response_types: ['code'],
      scope: 'openid offline_access api',
    }],
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'bare', alg: 'RS256', use: 'sig' }] as never },
    cookies: { keys: [crypto.randomBytes(32).toString('base64url')] },
    findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
    scopes: ['openid', 'offline_access', 'api'],
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => RESOURCE,
        getResourceServerInfo: () => ({ scope: 'api', audience: RESOURCE, accessTokenTTL: 600, accessTokenFormat: 'opaque' }),
        useGrantedResource: () => true,
      },
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    ttl: { ...TTL, Session: 30 * 60 }, // kenpo-id's lifetimes (a session: its default idle limit)
  });
  const page = (uid: string, message = '') => `<!doctype html><title>login</title>${message}
<form method="post" action="/interaction/${uid}/login"><input type="hidden" name="csrf" value="-">
<input name="loginId"><input name="password" type="password"><button>login</button></form>`;

  const interaction = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const details = await provider.interactionDetails(req, res);
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(details.uid));
      return;
    }
    let body = '';
    for await (const chunk of req) body += chunk;
    const form = new URLSearchParams(body);
    const hash = users.get(form.get('loginId') ?? '');
    if (!hash || !(await verifyPassword(form.get('password') ?? '', hash))) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(details.uid, '<p>wrong</p>'));
      return;
    }
    const accountId = form.get('loginId')!;
    const grant = new provider.Grant({ accountId, clientId: details.params.client_id as string });
    grant.addOIDCScope(details.params.scope as string);
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { login: { accountId }, consent: { grantId } }, { mergeWithLastSubmission: false });
  };
  const callback = provider.callback();
  server.on('request', (req, res) => {
    if (!req.url?.startsWith('/interaction/')) return void callback(req, res);
    interaction(req, res).catch((err: Error) => { res.writeHead(500).end(err.message); });
  });

  const login: Target = { issuer: url, client };
  return {
    login,
    offline: { ...login, scope: 'openid offline_access' },
    clientCredentials: login,
    close: () => closeServer(server),
  };
}
