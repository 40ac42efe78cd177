import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import { formsOf, HttpAgent } from '../helpers/http-agent.js';
import { adminToken } from '../helpers/stack.js';
import {
  authorizationRequest, callbackOf, exchange, navigate, signIn, useConformanceOp, type ConformanceRp,
} from './conformance-op.js';

/**
 * The OpenID Foundation's Back-Channel Logout OP test plan (oidcc-backchannel-rp-initiated-logout-
 * certification-test-plan) against the production IdP: relying parties with a back-channel URI on a
 * loopback receiver (allowed by BACKCHANNEL_ALLOWED_HOSTS, as the README tells operators) get a
 * signed logout token when a session they took part in ends. Delivery goes through the outbox worker.
 */
const EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** The relying parties' back-channel endpoint: records every POST by path, answers 200. */
const received: Array<{ path: string; contentType?: string; logoutToken: string }> = [];
const receiver = http.createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => { body += chunk; });
  req.on('end', () => {
    received.push({ path: req.url!, contentType: req.headers['content-type'], logoutToken: new URLSearchParams(body).get('logout_token') ?? '' });
    res.statusCode = 200;
    res.end();
  });
});
let receiverUrl = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});
afterAll(async () => { await new Promise<void>((resolve) => receiver.close(() => resolve())); });

const op = useConformanceOp(() => ({ idpEnv: { BACKCHANNEL_ALLOWED_HOSTS: new URL(receiverUrl).host } }));

let rpCount = 0;
/** A relying party whose back-channel logout URI is its own path on the receiver. */
async function rpWithBackchannel(): Promise<ConformanceRp & { path: string }> {
  rpCount += 1;
  const path = `/rp${rpCount}/backchannel-logout`;
  const rp = await op.addRp({ backchannel_logout_uri: `${receiverUrl}${path}`, backchannel_logout_session_required: true });
  return { ...rp, path };
}

/** The logout tokens received at `path`, waiting for `count` of them (delivery is asynchronous). */
async function logoutTokens(path: string, count = 1, timeoutMs = 15_000) {
  for (const deadline = Date.now() + timeoutMs; ;) {
    const tokens = received.filter((r) => r.path === path);
    if (tokens.length >= count || Date.now() > deadline) return tokens;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Verifies a logout token as the Back-Channel Logout spec's RP must (§2.6), returning its claims. */
async function verifiedLogoutToken(token: string, audience: string): Promise<JWTPayload> {
  const jwks = createRemoteJWKSet(new URL(`${op.issuer}/jwks`));
  const { payload, protectedHeader } = await jwtVerify(token, jwks, { issuer: op.issuer, audience, typ: 'logout+jwt', maxTokenAge: '2 minutes' });
  expect(protectedHeader.alg).toBe('RS256');
  return payload;
}

/** Signs the browser out at the end-session endpoint (with the RP's hint when given) and confirms. */
async function rpInitiatedLogout(agent: HttpAgent, idTokenHint?: string): Promise<void> {
  const url = new URL(`${op.issuer}/session/end`);
  if (idTokenHint) url.searchParams.set('id_token_hint', idTokenHint);
  const asked = await navigate(agent, url.href);
  const form = formsOf(asked.page!.html).find((f) => /\/session\/end\/confirm$/.test(f.action))!;
  await navigate(agent, new URL(form.action, asked.page!.url).href, { form: { ...form.hidden, logout: 'yes' } });
}

test('the ID token of a relying party that requires sessions carries sid (backchannel_logout_session_required)', async () => {
  const rp = await rpWithBackchannel();
  const { claims } = await signIn(rp, await op.member('bcl-sid'));
  expect(typeof claims.sid).toBe('string');
});

test('oidcc-backchannel-rp-initiated-logout: the logout token is a signed logout+jwt with sub, sid, events, jti and no nonce', async () => {
  const rp = await rpWithBackchannel();
  const { agent, tokens, claims } = await signIn(rp, await op.member('bcl-token'));
  await rpInitiatedLogout(agent, tokens.id_token);

  const [delivery] = await logoutTokens(rp.path);
  expect(delivery.contentType).toMatch(/^application\/x-www-form-urlencoded/);
  expect(decodeProtectedHeader(delivery.logoutToken).typ).toBe('logout+jwt');
  const payload = await verifiedLogoutToken(delivery.logoutToken, rp.clientId);
  expect(payload).toMatchObject({ iss: op.issuer, aud: rp.clientId, sub: claims.sub, sid: claims.sid, events: { [EVENT]: {} } });
  expect(Object.keys(payload.events as object)).toEqual([EVENT]);
  expect(typeof payload.jti).toBe('string');
  expect(typeof payload.iat).toBe('number');
  expect(payload).not.toHaveProperty('nonce');
});

test('every relying party the session signed in to is told, with its own audience and the sid of its ID token; others are not', async () => {
  const [first, second, bystander] = [await rpWithBackchannel(), await rpWithBackchannel(), await rpWithBackchannel()];
  const member = await op.member('bcl-two-rps');
  const { agent, claims } = await signIn(first, member);
  const silent = await authorizationRequest(second, { prompt: 'none' });
  const secondClaims = (await exchange(second, callbackOf(await navigate(agent, silent.url.href)), silent)).claims()!;
  // oidc-provider gives each relying party its own sid for one browser session (the spec allows it).
  expect(typeof secondClaims.sid).toBe('string');
  await signIn(bystander, await op.member('bcl-bystander'));

  // No hint: the OP logs the browser out of every relying party of its session.
  await rpInitiatedLogout(agent);
  const [toFirst] = await logoutTokens(first.path);
  const [toSecond] = await logoutTokens(second.path);
  const a = await verifiedLogoutToken(toFirst.logoutToken, first.clientId);
  const b = await verifiedLogoutToken(toSecond.logoutToken, second.clientId);
  expect([a.sid, b.sid]).toEqual([claims.sid, secondClaims.sid]);
  expect([a.sub, b.sub]).toEqual([claims.sub, claims.sub]);
  expect(a.jti).not.toBe(b.jti);
  expect(await logoutTokens(bystander.path, 1, 1_000)).toHaveLength(0);
});

test('sessions ended by the union\'s admin reach relying parties as the same kind of logout token', async () => {
  const rp = await rpWithBackchannel();
  const member = await op.member('bcl-admin');
  const { claims } = await signIn(rp, member);
  const response = await fetch(`${op.issuer}/admin/v1/accounts/${member.accountId}/sessions`, {
    method: 'DELETE', headers: { authorization: `Bearer ${await adminToken(op.stack.union)}` },
  });
  expect(response.status).toBeLessThan(300);
  const [delivery] = await logoutTokens(rp.path);
  expect(decodeProtectedHeader(delivery.logoutToken).typ).toBe('logout+jwt');
  const payload = await verifiedLogoutToken(delivery.logoutToken, rp.clientId);
  expect(payload).toMatchObject({ sub: claims.sub, sid: claims.sid, events: { [EVENT]: {} } });
  expect(payload).not.toHaveProperty('nonce');
});
