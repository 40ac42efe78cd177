import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalJWKSet, createRemoteJWKSet, errors, exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import type { PortalUnion } from '../../portal/config.js';
import type { IssuerKeys } from '../../portal/issuer-keys.js';
import { AccessTokenRejected, MissingScope, PortalTokenVerifier } from '../../portal/medical/access-token.js';
import { PORTAL_RESOURCE } from '../../portal/oidc-client.js';

/**
 * The portal's token gate, one condition at a time: only an access token the union's issuer signed for
 * the portal, for this client, with the medical scope and well-formed household claims opens medical
 * data; an expired one may be refreshed; keys that cannot be fetched are nobody's fault.
 */
const union: PortalUnion = { slug: 'alpha', name: 'α', issuer: 'https://idp.example/u/alpha', clientId: 'portal-1', clientSecret: 's' };
const household = { insurer_number: '06130001', kigo: '記号1', bango: '番号1', edaban: '00', relation: '本人' };
let privateKey: CryptoKey;
let verifier: PortalTokenVerifier;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  privateKey = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256' };
  verifier = new PortalTokenVerifier({ of: async () => createLocalJWKSet({ keys: [jwk] }) } as unknown as IssuerKeys);
});

type Options = { typ?: string; aud?: string; iss?: string; exp?: number | string; key?: CryptoKey };
function accessToken(claims: JWTPayload = {}, options: Options = {}): Promise<string> {
  const jwt = new SignJWT({ sub: 'member-1', scope: 'openid medical', client_id: union.clientId, ...household, ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1', typ: options.typ ?? 'at+jwt' })
    .setIssuer(options.iss ?? union.issuer).setAudience(options.aud ?? PORTAL_RESOURCE).setIssuedAt()
    .setExpirationTime(options.exp ?? '10m');
  return jwt.sign(options.key ?? privateKey);
}

async function rejection(token: Promise<string>, using = verifier): Promise<AccessTokenRejected> {
  const error = await using.verify(union, await token).then(() => undefined, (err: unknown) => err);
  if (!(error instanceof AccessTokenRejected)) throw new Error(`expected a rejection, got ${String(error)}`);
  return error;
}

test('a token of the union\'s issuer for the portal grants its member\'s household', async () => {
  await expect(verifier.verify(union, await accessToken())).resolves.toEqual({ sub: 'member-1', household });
  const family = { ...household, edaban: '01', relation: '家族', kigo: 'k'.repeat(32) };
  await expect(verifier.verify(union, await accessToken(family))).resolves.toEqual({ sub: 'member-1', household: family });
});

test('an expired token may be refreshed; it is not invalid', async () => {
  const error = await rejection(accessToken({}, { exp: Math.floor(Date.now() / 1000) - 60 }));
  expect(error).toMatchObject({ reason: 'expired', message: 'access token expired' });
});

test.each<[string, JWTPayload, Options, string]>([
  ['another issuer', {}, { iss: 'https://idp.example/u/beta' }, 'ERR_JWT_CLAIM_VALIDATION_FAILED: unexpected "iss" claim value'],
  ['another resource (the IdP admin API)', {}, { aud: 'urn:kenpo-id:admin' }, 'ERR_JWT_CLAIM_VALIDATION_FAILED: unexpected "aud" claim value'],
  ['an ID token (typ)', {}, { typ: 'JWT' }, 'ERR_JWT_CLAIM_VALIDATION_FAILED: unexpected "typ" JWT header value'],
  ['no medical scope', { scope: 'openid profile' }, {}, 'token lacks the medical scope'],
  ['a scope that is not a string', { scope: ['medical'] }, {}, 'token lacks the medical scope'],
  ['another client', { client_id: 'other-app' }, {}, 'token issued to another client'],
  ['no client', { client_id: undefined }, {}, 'ERR_JWT_CLAIM_VALIDATION_FAILED: missing required "client_id" claim'],
  ['no subject', { sub: undefined }, {}, 'ERR_JWT_CLAIM_VALIDATION_FAILED: missing required "sub" claim'],
  ['an insurer number of 7 digits', { insurer_number: '0613000' }, {}, 'token lacks the household claims'],
  ['an insurer number with letters', { insurer_number: '0613000a' }, {}, 'token lacks the household claims'],
  ['an insurer number of 9 digits', { insurer_number: '061300011' }, {}, 'token lacks the household claims'],
  ['an insurer number after a letter', { insurer_number: 'x06130001' }, {}, 'token lacks the household claims'],
  ['an insurer number as a number', { insurer_number: 6130001 }, {}, 'token lacks the household claims'],
  ['no 記号', { kigo: undefined }, {}, 'token lacks the household claims'],
  ['an empty 記号', { kigo: '' }, {}, 'token lacks the household claims'],
  ['a 記号 of 33 characters', { kigo: 'k'.repeat(33) }, {}, 'token lacks the household claims'],
  ['a 番号 of 33 characters', { bango: 'b'.repeat(33) }, {}, 'token lacks the household claims'],
  ['no 番号', { bango: undefined }, {}, 'token lacks the household claims'],
  ['a 枝番 of one digit', { edaban: '1' }, {}, 'token lacks the household claims'],
  ['a 枝番 as a number', { edaban: 1 }, {}, 'token lacks the household claims'],
  ['a 枝番 with a letter', { edaban: '0a' }, {}, 'token lacks the household claims'],
  ['a 枝番 of three digits', { edaban: '001' }, {}, 'token lacks the household claims'],
  ['a 枝番 after a letter', { edaban: 'x00' }, {}, 'token lacks the household claims'],
  ['another 続柄', { relation: '他人' }, {}, 'token lacks the household claims'],
])('refused for good: %s', async (_case, claims, options, message) => {
  expect(await rejection(accessToken(claims, options))).toMatchObject({ reason: 'invalid', message });
});

test('a token signed with another key is invalid', async () => {
  const { privateKey: other } = await generateKeyPair('RS256');
  expect(await rejection(accessToken({}, { key: other }))).toMatchObject({ reason: 'invalid', message: expect.stringMatching(/^ERR_JWS_SIGNATURE_VERIFICATION_FAILED: /) });
});

test('a missing scope is its own kind of refusal (an API answers 403, not 401)', async () => {
  const error = await rejection(accessToken({ scope: 'openid' }));
  expect(error).toBeInstanceOf(MissingScope);
  expect(await rejection(accessToken({ client_id: 'other-app' }))).not.toBeInstanceOf(MissingScope);
});

test('verifyFor checks the audience and scope it is asked for', async () => {
  const admin = await accessToken({ scope: 'portal-admin' }, { aud: 'urn:kenpo-id:portal-admin' });
  await expect(verifier.verifyFor(union, admin, { audience: 'urn:kenpo-id:portal-admin', scope: 'portal-admin' })).resolves.toMatchObject({ scope: 'portal-admin' });
  await expect(verifier.verifyFor(union, admin, { audience: 'urn:kenpo-id:portal-admin', scope: 'medical' })).rejects.toThrow('token lacks the medical scope');
  await expect(verifier.verifyFor(union, admin, { audience: PORTAL_RESOURCE, scope: 'portal-admin' })).rejects.toMatchObject({ reason: 'invalid' });
});

test('keys that cannot be fetched make the token unverifiable, not invalid', async () => {
  const down = new PortalTokenVerifier({ of: async () => { throw new Error('connect ECONNREFUSED'); } } as unknown as IssuerKeys);
  expect(await rejection(accessToken(), down)).toMatchObject({ reason: 'unavailable', message: 'connect ECONNREFUSED' });
  const slow = new PortalTokenVerifier({ of: async () => async () => { throw new errors.JWKSTimeout(); } } as unknown as IssuerKeys);
  expect(await rejection(accessToken(), slow)).toMatchObject({ reason: 'unavailable', message: 'issuer keys unavailable: request timed out' });
  const broken = new PortalTokenVerifier({ of: async () => async () => { throw new TypeError('fetch failed'); } } as unknown as IssuerKeys);
  expect(await rejection(accessToken(), broken)).toMatchObject({ reason: 'unavailable', message: 'issuer keys unavailable: fetch failed' });
});

test('an issuer whose key endpoint answers an error (a proxy\'s 502) is unavailable, not a reason to log the member out', async () => {
  const server = http.createServer((_req, res) => { res.statusCode = 502; res.end('Bad Gateway'); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const jwks = createRemoteJWKSet(new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`));
    const proxied = new PortalTokenVerifier({ of: async () => jwks } as unknown as IssuerKeys);
    expect(await rejection(accessToken(), proxied)).toMatchObject({ reason: 'unavailable', message: expect.stringMatching(/^issuer keys unavailable: Expected 200 OK/) });
  } finally {
    server.close();
  }
});
