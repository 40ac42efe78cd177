/**
 * The OP under test and an independent relying party for the conformance suite: the production
 * IdP (dist/idp/main.js as a child process over TCP, production-stack.ts) on a fresh database,
 * openid-client for what a certified RP library checks (discovery, state, nonce, `iss`, ID token
 * signature and claims), and an HTTP agent that logs in through the real login page and stops at the
 * relying party's redirect URI. Modelled on the OpenID Foundation's test plans; each file starts one
 * stack in beforeAll.
 */
import * as oidc from 'openid-client';
import type { ClientMetadata } from 'oidc-provider';
import { webAppClient, type RegisteredClient } from '../../idp/oidc/client-registry.js';
import { formsOf, HttpAgent, type Page } from '../helpers/http-agent.js';
import { startProductionStack, type ProductionStack, type ProductionStackOptions } from '../helpers/production-stack.js';
import { createMemberWithLogin } from '../helpers/stack.js';

/** The relying party's addresses: never served (port 9 is discard), the agent stops when sent there. */
export const RP_ORIGIN = 'http://127.0.0.1:9';
export const REDIRECT_URI = `${RP_ORIGIN}/conformance/callback`;
export const POST_LOGOUT_URI = `${RP_ORIGIN}/conformance/logged-out`;
export const SCOPE = 'openid profile email';

/** A registered relying party and openid-client's configuration of it (from discovery). */
export interface ConformanceRp extends RegisteredClient {
  config: oidc.Configuration;
}

export interface ConformanceOp {
  stack: ProductionStack;
  issuer: string;
  /** The relying party of most checks: client_secret_basic, one redirect and one post-logout URI. */
  rp: ConformanceRp;
  /** Registers another relying party of the union (metadata on top of the usual web app's). */
  addRp(metadata?: Partial<ClientMetadata>): Promise<ConformanceRp>;
  /** A member who finished the first login; password-only in the union's policy of this suite. */
  member(userId: string): Promise<{ userId: string; password: string; accountId: string }>;
}

/** openid-client's view of one client, with the authentication method it was registered with. */
export async function discoverRp(issuer: string, client: RegisteredClient, method: 'client_secret_basic' | 'client_secret_post' = 'client_secret_basic'): Promise<ConformanceRp> {
  const auth = method === 'client_secret_post' ? oidc.ClientSecretPost(client.clientSecret) : oidc.ClientSecretBasic(client.clientSecret);
  const config = await oidc.discovery(new URL(issuer), client.clientId, client.clientSecret, auth, { execute: [oidc.allowInsecureRequests] });
  return { ...client, config };
}

/**
 * Starts the production IdP for the file (beforeAll; the portal is not needed) and stops it
 * (afterAll). The union does not require a second factor, so the plain password logins the test
 * plans expect complete; a union that does is checked on its own (basic-op.test.ts).
 */
export function useConformanceOp(stackOptions: ProductionStackOptions | (() => ProductionStackOptions) = {}): ConformanceOp {
  const op = {} as ConformanceOp;
  beforeAll(async () => {
    // A function lets an earlier beforeAll supply what it started (e.g. a relying party's address).
    const options = typeof stackOptions === 'function' ? stackOptions() : stackOptions;
    const stack = await startProductionStack({ startPortal: false, ...options, policy: { mfa: { required: false }, ...options.policy } });
    const addRp = async (metadata: Partial<ClientMetadata> = {}) => {
      const client = await stack.registerClient({
        ...webAppClient({ name: 'conformance RP', redirectUris: [REDIRECT_URI], postLogoutRedirectUris: [POST_LOGOUT_URI] }),
        ...metadata,
      });
      return discoverRp(stack.union.issuer, client, metadata.token_endpoint_auth_method === 'client_secret_post' ? 'client_secret_post' : 'client_secret_basic');
    };
    const { slug } = stack.union;
    Object.assign(op, {
      stack,
      issuer: stack.union.issuer,
      rp: await addRp(),
      addRp,
      member: async (userId: string) => {
        const password = `${userId}-pass-1`;
        // createMemberWithLogin's stack shape: the database and union are all it reads.
        const { accountId } = await createMemberWithLogin({ database: stack.database, unions: { [slug]: stack.union } } as never, slug, { userId, password });
        return { userId, password, accountId };
      },
    });
  }, 240_000);
  afterAll(async () => { await op.stack?.close(); });
  return op;
}

/** One authorization request of the relying party, with the checks its callback is verified against. */
export interface AuthorizationRequest {
  url: URL;
  verifier: string;
  state: string;
  nonce: string;
}

export async function authorizationRequest(rp: ConformanceRp, extra: Record<string, string> = {}): Promise<AuthorizationRequest> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(rp.config, {
    redirect_uri: REDIRECT_URI, scope: SCOPE, state, nonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', ...extra,
  });
  return { url, verifier, state, nonce };
}

/** Where a request ended: sent to the relying party (callback), or a page of the OP. */
export type Outcome = { callback: URL; page?: undefined } | { callback?: undefined; page: Page };

/** Requests `url` and follows the OP's redirects until one goes to the relying party, or a page answers. */
export async function navigate(agent: HttpAgent, url: string, init: Parameters<HttpAgent['request']>[1] = {}): Promise<Outcome> {
  let page = await agent.request(url, init);
  for (let hops = 0; page.status >= 300 && page.status < 400 && page.headers.get('location'); hops += 1) {
    const location = new URL(page.headers.get('location')!, page.url);
    if (location.origin === RP_ORIGIN) return { callback: location };
    if (hops > 20) throw new Error(`too many redirects from ${url}`);
    page = await agent.request(location.href);
  }
  return { page };
}

/** The callback, or a failure showing the page the OP answered instead. */
export function callbackOf(outcome: Outcome): URL {
  if (!outcome.callback) throw new Error(`expected a redirect to the relying party, got a page (${outcome.page.status}) at ${outcome.page.url}:\n${outcome.page.html.slice(0, 1500)}`);
  return outcome.callback;
}

/** Is this the OP's login page (the password form of an interaction)? */
export const isLoginPage = (outcome: Outcome): outcome is { page: Page } =>
  !!outcome.page && formsOf(outcome.page.html).some((f) => /\/interaction\/[^/]+\/login$/.test(f.action));

/** Submits the login page's user ID and password, then follows on as `navigate` does. */
export async function submitPassword(agent: HttpAgent, login: Page, userId: string, password: string): Promise<Outcome> {
  const form = formsOf(login.html).find((f) => /\/login$/.test(f.action));
  if (!form) throw new Error(`no login form on ${login.url}`);
  return navigate(agent, new URL(form.action, login.url).href, { form: { ...form.hidden, loginId: userId, password } });
}

/** The authorization request, logging in on the login page if the OP shows it; returns where it ended. */
export async function authorize(agent: HttpAgent, request: AuthorizationRequest, login?: { userId: string; password: string }): Promise<Outcome> {
  const outcome = await navigate(agent, request.url.href);
  if (!login || !isLoginPage(outcome)) return outcome;
  return submitPassword(agent, outcome.page, login.userId, login.password);
}

/** The code exchange as a certified RP library makes it: state, `iss`, PKCE, nonce and the ID token checked. */
export function exchange(rp: ConformanceRp, callback: URL | Request, request: AuthorizationRequest, extra: Record<string, string> = {}) {
  return oidc.authorizationCodeGrant(rp.config, callback, {
    pkceCodeVerifier: request.verifier, expectedState: request.state, expectedNonce: request.nonce, idTokenExpected: true,
  }, extra);
}

/** Logs a fresh browser in and exchanges the code: the agent holds the IdP session afterwards. */
export async function signIn(rp: ConformanceRp, login: { userId: string; password: string }, extra: Record<string, string> = {}) {
  const agent = new HttpAgent();
  const request = await authorizationRequest(rp, extra);
  const tokens = await exchange(rp, callbackOf(await authorize(agent, request, login)), request);
  return { agent, tokens, claims: tokens.claims()! };
}

/** A raw token endpoint request with client_secret_basic (what a library would not send). */
export async function tokenRequest(issuer: string, client: RegisteredClient, params: Record<string, string>) {
  const response = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`).toString('base64')}` },
    body: new URLSearchParams(params),
  });
  return { status: response.status, body: await response.json() as Record<string, any> };
}

/** Waits (the OP counts auth_time and max_age in whole seconds). */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
