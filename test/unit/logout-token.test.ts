import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { verifyLogoutToken } from '../../portal/backchannel-logout.js';
import type { PortalUnion } from '../../portal/config.js';
import type { IssuerKeys } from '../../portal/issuer-keys.js';

const union: PortalUnion = { slug: 'alpha', name: 'α', issuer: 'https://idp.example/u/alpha', clientId: 'portal-1', clientSecret: 's' };
const EVENT = { 'http://schemas.openid.net/event/backchannel-logout': {} };
let sign: (claims: JWTPayload, options?: { typ?: string; aud?: string; iat?: number }) => Promise<string>;
let keys: IssuerKeys;

beforeAll(async () => {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' };
  keys = { of: async () => createLocalJWKSet({ keys: [jwk] }) } as unknown as IssuerKeys;
  sign = (claims, options = {}) => new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: 'k1', typ: options.typ ?? 'logout+jwt' })
    .setIssuer(union.issuer).setAudience(options.aud ?? union.clientId).setIssuedAt(options.iat).setJti(crypto.randomUUID()).setExpirationTime('2m')
    .sign(privateKey);
});

test('a logout token from the issuer for this client names the session to end', async () => {
  await expect(verifyLogoutToken(keys, union, await sign({ sub: 'member-1', sid: 'sid-1', events: EVENT })))
    .resolves.toEqual({ sub: 'member-1', sid: 'sid-1' });
});

test.each([
  ['an ID token (typ)', { sub: 'm', sid: 's', events: EVENT }, { typ: 'JWT' }],
  ['another client (aud)', { sub: 'm', sid: 's', events: EVENT }, { aud: 'other-client' }],
  ['no logout event', { sub: 'm', sid: 's' }, {}],
  ['a nonce (an ID token in disguise)', { sub: 'm', sid: 's', events: EVENT, nonce: 'n' }, {}],
  ['neither sid nor sub', { events: EVENT }, {}],
  ['an old token (iat)', { sub: 'm', sid: 's', events: EVENT }, { iat: Math.floor(Date.now() / 1000) - 3600 }],
])('refused: %s', async (_name, claims, options) => {
  await expect(verifyLogoutToken(keys, union, await sign(claims, options))).rejects.toThrow();
});
