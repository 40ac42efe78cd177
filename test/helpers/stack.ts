import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ensureAccount, setLoginCredentials, updateAccount } from '../../idp/accounts/account-repository.js';
import { hashPassword } from '../../idp/accounts/password-hasher.js';
import { createIdp, type Idp } from '../../idp/app.js';
import { startBackchannelWorker } from '../../idp/oidc/backchannel-worker.js';
import { loadIdpConfig } from '../../idp/config.js';
import { upsertMembers, type MemberRecord } from '../../idp/members/member-repository.js';
import { adminClient, registerClient, webAppClient, type RegisteredClient } from '../../idp/oidc/client-registry.js';
import { saveUnion } from '../../idp/unions/union-repository.js';
import type { MfaMethod } from '../../idp/unions/policy.js';
import { createPortal, type PortalServices } from '../../portal/app.js';
import { loadPortalConfig } from '../../portal/config.js';
import { createPortalTestDatabase, createTestDatabase, type TestDatabase } from './database.js';
import { startMailCapture, type MailCapture } from './smtp.js';

/** Listens on a free loopback port first, so the app can be built knowing its own URL. */
async function listenOnFreePort(host: string): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://${host}:${(server.address() as AddressInfo).port}` };
}

export interface TestUnion {
  slug: string;
  name: string;
  insurerNumber: string;
  issuer: string;
  admin: RegisteredClient;
  portal: RegisteredClient;
}

export interface TestStack {
  /** The IdP's database. */
  database: TestDatabase;
  /** The portal's own database. */
  portalDatabase: TestDatabase;
  mail: MailCapture;
  idp: Idp;
  idpUrl: string;
  portalUrl: string;
  unions: Record<string, TestUnion>;
  /** Until called again without arguments, the IdP answers `status` to requests whose path matches (an outage behind a proxy). */
  failIdpRequests(path?: RegExp, status?: number): void;
  close(): Promise<void>;
}

export const TEST_UNIONS = {
  alpha: { slug: 'alpha', name: 'アルファ健康保険組合', insurerNumber: '06130001' },
  beta: { slug: 'beta', name: 'ベータ健康保険組合', insurerNumber: '06130002' },
} as const;

/**
 * The whole system on loopback ports and a fresh database: the IdP with two unions (each with an
 * admin client and a portal client) and the portal serving both.
 */
export async function startStack(
  options: { policy?: Record<string, unknown>; host?: string; /** Extra settings for both programs (e.g. TRUST_PROXY). */ env?: Record<string, string>;
    /** Extra PORTAL_UNIONS settings of every union (e.g. medicalMaxAuthAgeSeconds). */ portalUnion?: Record<string, unknown>;
    /** What the portal reads besides its database (e.g. a union's own help content). */ portalServices?: PortalServices;
  } = {},
): Promise<TestStack> {
  const database = await createTestDatabase();
  const portalDatabase = await createPortalTestDatabase();
  const mail = await startMailCapture();
  // WebAuthn needs a domain (not an IP address) as its RP ID: passkey tests use `localhost`.
  const host = options.host ?? '127.0.0.1';
  const idpListener = await listenOnFreePort(host);
  const portalListener = await listenOnFreePort(host);
  const idpConfig = loadIdpConfig({
    IDP_BASE_URL: idpListener.url,
    DATABASE_URL: database.url,
    COOKIE_KEYS: crypto.randomBytes(32).toString('base64url'),
    DATA_ENCRYPTION_KEY: crypto.randomBytes(32).toString('base64'),
    SMTP_URL: mail.url,
    // The portal's back-channel URI is on loopback: allowed explicitly, as an operator would.
    BACKCHANNEL_ALLOWED_HOSTS: new URL(portalListener.url).host,
    ...options.env,
  });
  const idp = createIdp(idpConfig, database.db);
  const backchannel = startBackchannelWorker({ db: database.db, registry: idp.registry, retry: idpConfig.backchannelRetry });
  const idpHandler = idp.app.callback();
  let outage: { path: RegExp; status: number } | undefined;
  idpListener.server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (outage?.path.test(req.url ?? '')) {
      res.writeHead(outage.status).end();
      return;
    }
    void idpHandler(req, res);
  });

  const unions: Record<string, TestUnion> = {};
  for (const u of Object.values(TEST_UNIONS)) {
    await saveUnion(database.db, { ...u, settings: { portalUrl: `${portalListener.url}/u/${u.slug}/`, ...options.policy } });
    unions[u.slug] = {
      ...u,
      issuer: idp.registry.issuerUrl(u.slug),
      admin: await registerClient(idp.registry, u.slug, adminClient(`${u.name} admin`)),
      portal: await registerClient(idp.registry, u.slug, webAppClient({
        name: `${u.name} portal`,
        redirectUris: [`${portalListener.url}/u/${u.slug}/callback`],
        postLogoutRedirectUris: [`${portalListener.url}/u/${u.slug}/logged-out`],
        medical: true,
        backchannelLogoutUri: `${portalListener.url}/u/${u.slug}/backchannel-logout`,
      })),
    };
  }
  const portalConfig = loadPortalConfig({
    PORTAL_BASE_URL: portalListener.url,
    PORTAL_SESSION_SECRET: crypto.randomBytes(32).toString('base64url'),
    PORTAL_UNIONS: JSON.stringify(Object.values(unions).map((u) => ({
      slug: u.slug, name: u.name, issuer: u.issuer, insurerNumber: u.insurerNumber,
      clientId: u.portal.clientId, clientSecret: u.portal.clientSecret, ...options.portalUnion,
    }))),
    PORTAL_DATABASE_URL: portalDatabase.url,
    // Notification mails go to the same capture as the IdP's.
    SMTP_URL: mail.url,
    ...options.env,
  });
  const { app: portal, notifications } = createPortal(portalConfig, portalDatabase.db, options.portalServices);
  portalListener.server.on('request', portal);
  notifications.start();

  const close = (server: http.Server) => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  return {
    database, portalDatabase, mail, idp, idpUrl: idpListener.url, portalUrl: portalListener.url, unions,
    failIdpRequests: (path, status = 502) => { outage = path && { path, status }; },
    close: async () => {
      await Promise.all([backchannel.stop(), notifications.stop()]);
      await Promise.all([close(idpListener.server), close(portalListener.server), mail.close()]);
      await Promise.all([database.drop(), portalDatabase.drop()]);
    },
  };
}

let memberCounter = 0;

/** A member record with a unique card number in the given union. */
export function memberRecord(union: { insurerNumber: string }, overrides: Partial<MemberRecord> = {}): MemberRecord {
  memberCounter += 1;
  return {
    insurerNumber: union.insurerNumber, kigo: '100', bango: String(20000 + memberCounter), edaban: '00',
    nameKanji: '試験 花子', nameKana: 'シケン ハナコ', birthdate: '1979-08-22', relation: '本人', ...overrides,
  };
}

/** A member who has finished the first login: own user ID, password, verified e-mail (and a chosen method if given). */
export async function createMemberWithLogin(
  stack: TestStack,
  unionSlug: string,
  login: { userId: string; password: string; mfa?: MfaMethod },
  overrides: Partial<MemberRecord> = {},
): Promise<{ accountId: string; memberId: string }> {
  const union = stack.unions[unionSlug];
  const [member] = await upsertMembers(stack.database.db, unionSlug, [memberRecord(union, overrides)]);
  const account = await ensureAccount(stack.database.db, unionSlug, member.id);
  await setLoginCredentials(stack.database.db, account.id, { ...login, passwordHash: await hashPassword(login.password) });
  await updateAccount(stack.database.db, account.id, {
    email: `${login.userId.toLowerCase()}@example.jp`, emailVerified: true, birthdateVerified: true, firstLoginCompleted: true,
    ...(login.mfa ? { preferredMfa: login.mfa } : {}),
  });
  return { accountId: account.id, memberId: member.id };
}

/** An admin API access token for the union, from its token endpoint by client credentials. */
export async function adminToken(union: Pick<TestUnion, 'issuer' | 'admin'>, params: Record<string, string> = { scope: 'admin' }): Promise<string> {
  const response = await fetch(`${union.issuer}/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${union.admin.clientId}:${union.admin.clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', ...params }),
  });
  const body = await response.json() as { access_token?: string };
  if (!body.access_token) throw new Error(`no admin token: ${JSON.stringify(body)}`);
  return body.access_token;
}

/** A portal admin API access token (a JWT the portal verifies) from the union's issuer. */
export const portalAdminToken = (union: Pick<TestUnion, 'issuer' | 'admin'>): Promise<string> =>
  adminToken(union, { scope: 'portal-admin', resource: 'urn:kenpo-id:portal-admin' });
