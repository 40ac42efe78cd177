import crypto from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Browser, REDIRECT_URI, totpCode, type Page } from './browser.js';

/** What a relying party does against an issuer, the same for kenpo-id and the bare baseline. */

export interface Client { clientId: string; clientSecret: string }
export interface Target {
  issuer: string;
  client: Client;
  /** The acr every ID token must carry; left out where the issuer sets none (the baseline). */
  acr?: string;
  /** `openid offline_access` with prompt=consent asks for a refresh token. */
  scope?: string;
}

const STEP_MS = 30_000; // RFC 6238 time step; the IdP takes one code per device per step
export const currentStep = () => Math.floor(Date.now() / STEP_MS);

export interface TotpDevice { key: Buffer; lastStep: number }
export interface BenchUser { userId: string; password: string; ip: string; totp?: TotpDevice }
export interface Tokens { id_token?: string; access_token?: string; refresh_token?: string }

/** The MFA page's device choice and the code for the current step. */
function totpFields(page: Page, device: TotpDevice): Record<string, string> {
  const id = /<option value="([^"]+)"/.exec(page.html ?? '')?.[1];
  if (!id) throw new Error(`no TOTP device to choose at ${page.url.pathname}`);
  device.lastStep = currentStep();
  return { device: id, code: totpCode(device.key, device.lastStep) };
}

const basic = ({ clientId, clientSecret }: Client) => `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;

/** One token-endpoint request (client_secret_basic); fails unless the answer holds `expect`. */
export async function tokenRequest(target: Target, params: Record<string, string>, expect: keyof Tokens): Promise<Tokens> {
  const response = await fetch(`${target.issuer}/token`, {
    method: 'POST', headers: { authorization: basic(target.client) }, body: new URLSearchParams(params),
  });
  const tokens = await response.json() as Tokens;
  if (!tokens[expect]) throw new Error(`token endpoint ${response.status}: ${JSON.stringify(tokens)}`);
  return tokens;
}

/** One complete login from a fresh browser (authorize → password → TOTP if the user has one → code → token). */
export async function login(target: Target, user: BenchUser, browser = new Browser(user.ip)): Promise<Tokens> {
  const [verifier, state, nonce] = [32, 8, 8].map((n) => crypto.randomBytes(n).toString('base64url'));
  const authUrl = new URL(`${target.issuer}/auth`);
  authUrl.search = new URLSearchParams({
    client_id: target.client.clientId, redirect_uri: REDIRECT_URI, response_type: 'code', scope: target.scope ?? 'openid', state, nonce,
    code_challenge: crypto.createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
    ...(target.scope?.includes('offline_access') ? { prompt: 'consent' } : {}),
  }).toString();

  let page = await browser.follow(await browser.send(authUrl), authUrl);
  if (!page.callback) page = await browser.submit(page, '/login', { loginId: user.userId, password: user.password });
  if (user.totp && !page.callback) page = await browser.submit(page, '/mfa/code/totp', totpFields(page, user.totp));
  const code = page.callback?.searchParams.get('code');
  if (!code) throw new Error(`no code: ended at ${page.callback ?? page.url.pathname}`);
  if (page.callback!.searchParams.get('state') !== state) throw new Error('state mismatch');

  const tokens = await tokenRequest(target, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier }, 'id_token');
  const claims = JSON.parse(Buffer.from(tokens.id_token!.split('.')[1], 'base64url').toString()) as { nonce?: string; acr?: string };
  if (claims.nonce !== nonce) throw new Error('nonce mismatch in ID token');
  if (target.acr && claims.acr !== target.acr) throw new Error(`acr ${claims.acr} in ID token, expected ${target.acr}`);
  return tokens;
}

export const refresh = (target: Target, refreshToken: string) =>
  tokenRequest(target, { grant_type: 'refresh_token', refresh_token: refreshToken }, 'access_token');

export const clientCredentials = (target: Target, scope: string) =>
  tokenRequest(target, { grant_type: 'client_credentials', scope }, 'access_token');

/** Members least recently used first; when even that one's device took a code this step, wait for the next step. */
export class TotpPool {
  private next = 0;
  waits = 0;
  constructor(readonly users: BenchUser[]) {}

  async take(): Promise<BenchUser> {
    const user = this.users[this.next];
    this.next = (this.next + 1) % this.users.length;
    while (user.totp!.lastStep >= currentStep()) {
      this.waits += 1;
      await sleep(STEP_MS - (Date.now() % STEP_MS) + 10);
    }
    user.totp!.lastStep = currentStep(); // reserved until the code is computed
    return user;
  }
}
