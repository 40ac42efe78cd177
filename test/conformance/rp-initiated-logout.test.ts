import * as oidc from 'openid-client';
import { formsOf, HttpAgent, textOf } from '../helpers/http-agent.js';
import {
  authorizationRequest, callbackOf, navigate, POST_LOGOUT_URI, RP_ORIGIN, signIn, useConformanceOp, type ConformanceRp, type Outcome,
} from './conformance-op.js';

/**
 * The OpenID Foundation's RP-Initiated Logout OP test plan (oidcc-rp-initiated-logout-certification-
 * test-plan) against the production IdP: the end-session endpoint asks 「ログアウトしてもよろしいですか？」,
 * ends the IdP session on confirmation and returns only to a registered post-logout URI.
 */
const op = useConformanceOp();

/** The member's browser, signed in through the relying party, with its ID token. */
async function signedIn(userId: string) {
  const { agent, tokens } = await signIn(op.rp, await op.member(userId));
  return { agent, idToken: tokens.id_token! };
}

/** The relying party's end-session request, as openid-client builds it. */
const endSessionUrl = (rp: ConformanceRp, params: Record<string, string>) => oidc.buildEndSessionUrl(rp.config, params).href;

/** Confirms on the 「ログアウトしてもよろしいですか？」 page (the ログアウトする button) and follows on. */
async function confirm(agent: HttpAgent, outcome: Outcome): Promise<Outcome> {
  expect(textOf(outcome.page?.html ?? '')).toContain('ログアウトしてもよろしいですか？');
  const form = formsOf(outcome.page!.html).find((f) => /\/session\/end\/confirm$/.test(f.action))!;
  return navigate(agent, new URL(form.action, outcome.page!.url).href, { form: { ...form.hidden, logout: 'yes' } });
}

/** Does the browser still have an IdP session? (prompt=none gets a code only with one.) */
async function hasSession(agent: HttpAgent): Promise<boolean> {
  const request = await authorizationRequest(op.rp, { prompt: 'none' });
  const callback = callbackOf(await navigate(agent, request.url.href));
  if (callback.searchParams.get('code')) return true;
  expect(callback.searchParams.get('error')).toBe('login_required');
  return false;
}

/** An error page of the OP: no redirect anywhere, nothing from the request echoed as a link. */
function expectErrorPage(outcome: Outcome) {
  expect(outcome.callback).toBeUndefined();
  expect(outcome.page!.status).toBe(400);
  expect(outcome.page!.html).not.toContain(RP_ORIGIN);
}

test('oidcc-rp-initiated-logout: id_token_hint, post_logout_redirect_uri and state; the session ends and the RP gets its state back', async () => {
  const { agent, idToken } = await signedIn('logout-full');
  const asked = await navigate(agent, endSessionUrl(op.rp, { id_token_hint: idToken, post_logout_redirect_uri: POST_LOGOUT_URI, state: 'st-logout' }));
  const callback = callbackOf(await confirm(agent, asked));
  expect(callback.origin + callback.pathname).toBe(POST_LOGOUT_URI);
  expect(callback.searchParams.get('state')).toBe('st-logout');
  expect(await hasSession(agent)).toBe(false);
});

test('oidcc-rp-initiated-logout-no-state: back to the RP without a state parameter', async () => {
  const { agent, idToken } = await signedIn('logout-no-state');
  const callback = callbackOf(await confirm(agent, await navigate(agent, endSessionUrl(op.rp, { id_token_hint: idToken, post_logout_redirect_uri: POST_LOGOUT_URI }))));
  expect(callback.href).toBe(POST_LOGOUT_URI);
  expect(await hasSession(agent)).toBe(false);
});

test('oidcc-rp-initiated-logout-no-id-token-hint: client_id identifies the RP; the session ends and the RP is returned to', async () => {
  const { agent } = await signedIn('logout-client-id');
  const callback = callbackOf(await confirm(agent, await navigate(agent, endSessionUrl(op.rp, { client_id: op.rp.clientId, post_logout_redirect_uri: POST_LOGOUT_URI, state: 's' }))));
  expect(callback.origin + callback.pathname).toBe(POST_LOGOUT_URI);
  expect(await hasSession(agent)).toBe(false);
});

test('oidcc-rp-initiated-logout-no-params: the session ends and the OP\'s own page says so', async () => {
  const { agent } = await signedIn('logout-no-params');
  const done = await confirm(agent, await navigate(agent, `${op.issuer}/session/end`));
  expect(done.page?.status).toBe(200);
  expect(textOf(done.page!.html)).toContain('ログアウトしました');
  expect(await hasSession(agent)).toBe(false);
});

test('oidcc-rp-initiated-logout-no-post-logout-redirect-uri: with a hint only, the session ends on the OP\'s page', async () => {
  const { agent, idToken } = await signedIn('logout-hint-only');
  const done = await confirm(agent, await navigate(agent, endSessionUrl(op.rp, { id_token_hint: idToken })));
  expect(textOf(done.page!.html)).toContain('ログアウトしました');
  expect(await hasSession(agent)).toBe(false);
});

test('oidcc-rp-initiated-logout-bad-post-logout-redirect-uri: a foreign URI is refused on an error page; the session stays', async () => {
  const { agent, idToken } = await signedIn('logout-foreign-uri');
  const outcome = await navigate(agent, endSessionUrl(op.rp, { id_token_hint: idToken, post_logout_redirect_uri: 'https://attacker.example/logged-out' }));
  expectErrorPage(outcome);
  expect(outcome.page!.html).not.toContain('attacker.example');
  expect(await hasSession(agent)).toBe(true);
});

test('oidcc-rp-initiated-logout-query-added-to-post-logout-redirect-uri: the URI must match exactly', async () => {
  const { agent, idToken } = await signedIn('logout-query-added');
  expectErrorPage(await navigate(agent, endSessionUrl(op.rp, { id_token_hint: idToken, post_logout_redirect_uri: `${POST_LOGOUT_URI}?extra=1` })));
  expectErrorPage(await navigate(agent, endSessionUrl(op.rp, { id_token_hint: idToken, post_logout_redirect_uri: `${POST_LOGOUT_URI}/` })));
  expect(await hasSession(agent)).toBe(true);
});

test('oidcc-rp-initiated-logout-modified-id-token-hint: a hint with a broken signature is refused; the session stays', async () => {
  const { agent, idToken } = await signedIn('logout-modified-hint');
  const [header, payload, signature] = idToken.split('.');
  const tampered = `${header}.${payload}.${signature.slice(0, -4)}${signature.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
  expectErrorPage(await navigate(agent, endSessionUrl(op.rp, { id_token_hint: tampered, post_logout_redirect_uri: POST_LOGOUT_URI })));
  expect(await hasSession(agent)).toBe(true);
});

test('a client_id that is not the hint\'s audience is refused', async () => {
  const { agent, idToken } = await signedIn('logout-client-mismatch');
  const other = await op.addRp();
  expectErrorPage(await navigate(agent, endSessionUrl(other, { id_token_hint: idToken, client_id: other.clientId, post_logout_redirect_uri: POST_LOGOUT_URI })));
  expect(await hasSession(agent)).toBe(true);
});

test('a post_logout_redirect_uri without anything naming the client is not followed', async () => {
  const { agent } = await signedIn('logout-unnamed-client');
  const url = new URL(`${op.issuer}/session/end`);
  url.searchParams.set('post_logout_redirect_uri', POST_LOGOUT_URI);
  const done = await confirm(agent, await navigate(agent, url.href));
  expect(done.callback).toBeUndefined();
  expect(textOf(done.page!.html)).toContain('ログアウトしました');
  expect(await hasSession(agent)).toBe(false);
});

test('without an IdP session, the OP still returns to the registered URI (its confirmation form posts itself)', async () => {
  const agent = new HttpAgent();
  const page = await navigate(agent, endSessionUrl(op.rp, { client_id: op.rp.clientId, post_logout_redirect_uri: POST_LOGOUT_URI, state: 'no-session' }));
  const form = formsOf(page.page!.html).find((f) => /\/session\/end\/confirm$/.test(f.action))!;
  const callback = callbackOf(await navigate(agent, new URL(form.action, page.page!.url).href, { form: form.hidden }));
  expect(callback.searchParams.get('state')).toBe('no-session');
});

test('deliberate: キャンセル on the confirmation page is a link back to the application and ends nothing', async () => {
  const { agent, idToken } = await signedIn('logout-cancel');
  const asked = await navigate(agent, endSessionUrl(op.rp, { id_token_hint: idToken, post_logout_redirect_uri: POST_LOGOUT_URI }));
  expect(asked.page?.html).toMatch(/<a class="button secondary" href="[^"]+">キャンセル<\/a>/);
  expect(await hasSession(agent)).toBe(true);
});
