import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { ACR_VALUES } from '../../idp/mfa/levels.js';
import { discoverRp, signIn, useConformanceOp } from './conformance-op.js';

/**
 * The OpenID Foundation's Config OP test plan (oidcc-config-certification-test-plan): the discovery
 * document and the JWKS a relying party configures itself from, at the production IdP.
 */
const op = useConformanceOp();

async function discovery(issuer = op.issuer) {
  const response = await fetch(`${issuer}/.well-known/openid-configuration`);
  return { response, metadata: response.ok ? await response.json() as Record<string, any> : {} };
}

test('oidcc-discovery-endpoint-verification: the document is JSON at the issuer\'s well-known path and names that issuer', async () => {
  const { response, metadata } = await discovery();
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(metadata.issuer).toBe(op.issuer);
  // Every endpoint is the union's own, under its issuer.
  for (const key of ['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'jwks_uri', 'end_session_endpoint', 'introspection_endpoint', 'revocation_endpoint']) {
    expect([key, metadata[key]?.startsWith(`${op.issuer}/`)]).toEqual([key, true]);
  }
});

test('oidcc-discovery-endpoint-verification: what the IdP supports, and only that', async () => {
  const { metadata } = await discovery();
  expect(metadata).toMatchObject({
    response_types_supported: ['code'],
    subject_types_supported: expect.arrayContaining(['public']),
    grant_types_supported: expect.arrayContaining(['authorization_code', 'refresh_token']),
    response_modes_supported: expect.arrayContaining(['query', 'form_post']),
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    authorization_response_iss_parameter_supported: true,
    claims_parameter_supported: false,
    acr_values_supported: ACR_VALUES,
    backchannel_logout_supported: true,
    backchannel_logout_session_supported: true,
    ui_locales_supported: ['ja', 'en'],
  });
  // Absent means false (OpenID Connect Discovery 1.0 §3); request_uri's absence would mean true.
  expect(metadata.request_parameter_supported ?? false).toBe(false);
  expect(metadata.request_uri_parameter_supported).toBe(false);
  expect(metadata.scopes_supported).toEqual(expect.arrayContaining(['openid', 'profile', 'email', 'offline_access']));
  expect(metadata.id_token_signing_alg_values_supported).toContain('RS256');
  expect(metadata.id_token_signing_alg_values_supported).not.toContain('none');
  expect(metadata.claims_supported).toEqual(expect.arrayContaining(['sub', 'iss', 'acr', 'amr', 'auth_time', 'name', 'name_kana', 'preferred_username', 'locale', 'email', 'email_verified']));
  expect(metadata.grant_types_supported).not.toContain('implicit');
});

test('oidcc-discovery-endpoint-verification: an RP library configures itself from the document (openid-client discovery)', async () => {
  const rp = await discoverRp(op.issuer, op.rp);
  expect(rp.config.serverMetadata().issuer).toBe(op.issuer);
  expect(rp.config.clientMetadata().client_id).toBe(op.rp.clientId);
});

test('oidcc-server-jwks: the JWKS holds public signing keys only, each with a unique kid, and verifies the ID token', async () => {
  const { metadata } = await discovery();
  const response = await fetch(metadata.jwks_uri);
  expect(response.headers.get('content-type')).toMatch(/^application\/(jwk-set\+)?json/);
  const jwks = await response.json() as JSONWebKeySet;
  expect(jwks.keys.length).toBeGreaterThan(0);
  for (const key of jwks.keys) {
    expect(key.kid).toBeTruthy();
    expect(key.use ?? 'sig').toBe('sig');
    // No private or symmetric material: d, p, q, dp, dq, qi (RSA/EC private), k (oct).
    for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) expect([key.kid, secret in key]).toEqual([key.kid, false]);
  }
  expect(new Set(jwks.keys.map((k) => k.kid)).size).toBe(jwks.keys.length);
  expect(jwks.keys.some((k) => k.kty === 'RSA')).toBe(true);

  const { tokens } = await signIn(op.rp, await op.member('config-jwks'));
  const { protectedHeader } = await jwtVerify(tokens.id_token!, createLocalJWKSet(jwks), { issuer: op.issuer, audience: op.rp.clientId });
  expect(protectedHeader.alg).toBe('RS256');
  expect(jwks.keys.map((k) => k.kid)).toContain(protectedHeader.kid);
});

test('each union has its own document and keys; an unknown union has none', async () => {
  const other = await op.stack.addUnion({ slug: 'config-other', name: '別健康保険組合', insurerNumber: '06139903' }, {}, {
    client_id: '', redirect_uris: [], grant_types: ['client_credentials'], response_types: [],
  });
  const { metadata } = await discovery(other.issuer);
  expect(metadata.issuer).toBe(other.issuer);
  const kids = async (jwksUri: string) => ((await (await fetch(jwksUri)).json()) as JSONWebKeySet).keys.map((k) => k.kid);
  const ours = await kids((await discovery()).metadata.jwks_uri);
  expect((await kids(metadata.jwks_uri)).some((kid) => ours.includes(kid))).toBe(false);

  const unknown = await fetch(`${op.stack.idpUrl}/u/no-such-union/.well-known/openid-configuration`);
  expect(unknown.status).toBe(404);
});
