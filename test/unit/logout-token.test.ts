import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { verifyLogoutToken } from '../../portal/backchannel-logout.js';
import type { PortalUnion } from '../../portal/config.js';
import type { IssuerKeys } from '../../portal/issuer-keys.js';

const union: PortalUnion = { slug: 'alpha', name: 'α', issuer: 'https://idp.example/u/alpha', clientId: 'portal-1', clientSecret: 's' };
const EVENT = { 'http://schemas.openid.net/event/backchannel-logout': {} };
type SignOptions = { typ?: string; aud?: string; iat?: number; omit?: 'iat' | 'jti' };
let sign: (claims: JWTPayload, options?: SignOptions) => Promise<string>;
let keys: IssuerKeys;

beforeAll(async () => {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' };
  keys = { of: async () => createLocalJWKSet({ keys: [jwk] }) } as unknown as IssuerKeys;
  sign = (claims, options = {}) => {
    const jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'k1', typ: options.typ ?? 'logout+jwt' })
      .setIssuer(union.issuer).setAudience(options.aud ?? union.clientId).setExpirationTime('2m');
    if (options.omit !== 'iat') jwt.setIssuedAt(options.iat);
    if (options.omit !== 'jti') jwt.setJti(crypto.randomUUID());
    return jwt.sign(privateKey);
  };
});

test('a logout token from the issuer for this client names the session to end', async () => {
  await expect(verifyLogoutToken(keys, union, await sign({ sub: 'member-1', sid: 'sid-1', events: EVENT })))
    .resolves.toEqual({ sub: 'member-1', sid: 'sid-1' });
});

test('a logout token may name only the session, or only the member', async () => {
  await expect(verifyLogoutToken(keys, union, await sign({ sid: 'sid-2', events: EVENT }))).resolves.toEqual({ sid: 'sid-2', sub: undefined });
  await expect(verifyLogoutToken(keys, union, await sign({ sub: 'member-3', events: EVENT }))).resolves.toEqual({ sid: undefined, sub: 'member-3' });
  await expect(verifyLogoutToken(keys, union, await sign({ sub: 'member-4', sid: 7, events: EVENT }))).resolves.toEqual({ sid: undefined, sub: 'member-4' });
});

test.each<[string, JWTPayload, SignOptions, string | RegExp]>([
  ['an ID token (typ)', { sub: 'm', sid: 's', events: EVENT }, { typ: 'JWT' }, 'unexpected "typ" JWT header value'],
  ['another client (aud)', { sub: 'm', sid: 's', events: EVENT }, { aud: 'other-client' }, 'unexpected "aud" claim value'],
  ['no events', { sub: 'm', sid: 's' }, {}, 'missing required "events" claim'],
  ['no logout event', { sub: 'm', sid: 's', events: { 'http://example.com/other-event': {} } }, {}, 'not a logout token (events)'],
  ['a logout event that is not an object', { sub: 'm', sid: 's', events: { 'http://schemas.openid.net/event/backchannel-logout': 'yes' } }, {}, 'not a logout token (events)'],
  ['a nonce (an ID token in disguise)', { sub: 'm', sid: 's', events: EVENT, nonce: 'n' }, {}, 'a logout token must not carry a nonce'],
  ['neither sid nor sub', { events: EVENT }, {}, 'a logout token needs sid or sub'],
  ['no jti (it could not be told from a replay)', { sub: 'm', sid: 's', events: EVENT }, { omit: 'jti' }, 'missing required "jti" claim'],
  ['no iat', { sub: 'm', sid: 's', events: EVENT }, { omit: 'iat' }, 'missing required "iat" claim'],
  ['an old token (iat)', { sub: 'm', sid: 's', events: EVENT }, { iat: Math.floor(Date.now() / 1000) - 3600 }, /"iat" claim timestamp check failed/],
])('refused: %s', async (_name, claims, options, message) => {
  await expect(verifyLogoutToken(keys, union, await sign(claims, options))).rejects.toThrow(message);
});
