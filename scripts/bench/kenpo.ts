import crypto from 'node:crypto';
import { ensureAccount, setLoginCredentials, updateAccount } from '../../idp/accounts/account-repository.js';
import { createIdp, type Idp } from '../../idp/app.js';
import { loadIdpConfig } from '../../idp/config.js';
import { upsertMembers } from '../../idp/members/member-repository.js';
import { addCredential } from '../../idp/mfa/credentials.js';
import { ACR } from '../../idp/mfa/levels.js';
import { adminClient, registerClient, webAppClient } from '../../idp/oidc/client-registry.js';
import { DEFAULT_POLICY } from '../../idp/unions/policy.js';
import { saveUnion } from '../../idp/unions/union-repository.js';
import type { Database } from '../../migrations/database.js';
import { base32, REDIRECT_URI } from './browser.js';
import type { BenchUser, Target } from './flows.js';
import { createDatabase, databases, listenOnFreePort, closeServer, QueryTrace } from './harness.js';
import type { Report } from './report.js';

/** kenpo-id under test: the IdP in this process on a free port, its benchmark unions, clients and members. */
type UnionInfo = Parameters<typeof saveUnion>[1];
// Every benchmark client shares one address: the per-address login budget is raised so it measures
// logins, not the throttle (the global budget and everything else stay the defaults).
const ONE_ADDRESS = { loginThrottle: { ...DEFAULT_POLICY.loginThrottle, perAddress: { max: 10_000_000, windowMs: 60_000 } } };
// Password only: a union that does not require a second factor, members who have not chosen one.
export const PASSWORD_UNION: UnionInfo = { slug: 'bench', name: 'ベンチマーク健康保険組合', insurerNumber: '06130099', settings: { mfa: { ...DEFAULT_POLICY.mfa, required: false }, ...ONE_ADDRESS } };
// Password + TOTP: the default policy (second factor required).
export const TOTP_UNION: UnionInfo = { slug: 'bench-totp', name: 'ベンチマーク二要素健康保険組合', insurerNumber: '06130100', settings: ONE_ADDRESS };

export interface Kenpo {
  idp: Idp;
  url: string;
  passwordOnly: Target;
  withTotp: Target;
  /** The password-only union's app asking for a refresh token. */
  offline: Target;
  /** An admin client of the password-only union (client credentials, scope admin). */
  admin: Target;
  close(): Promise<void>;
}

/** Keys of one database's IdPs: the one in this process and any started as processes of their own share them. */
export const idpSecrets = () => ({
  COOKIE_KEYS: crypto.randomBytes(32).toString('base64url'),
  DATA_ENCRYPTION_KEY: crypto.randomBytes(32).toString('base64'),
});
export type IdpSecrets = ReturnType<typeof idpSecrets>;

/** Environment of a benchmark IdP. */
export const idpEnvironment = (baseUrl: string, databaseUrl: string, secrets: IdpSecrets) => ({
  IDP_BASE_URL: baseUrl, DATABASE_URL: databaseUrl, ...secrets,
  TRUST_PROXY: 'true', // client addresses from X-Forwarded-For: many members, not all of them 127.0.0.1
});

export async function saveBenchUnions(db: Database): Promise<void> {
  for (const union of [PASSWORD_UNION, TOTP_UNION]) await saveUnion(db, union);
}

export async function startKenpo(db: Database, secrets: IdpSecrets, trace?: QueryTrace): Promise<Kenpo> {
  const listener = await listenOnFreePort();
  // the database is handed to createIdp directly
  const idp = createIdp(loadIdpConfig(idpEnvironment(listener.url, 'unused', secrets)), db);
  const callback = idp.app.callback();
  listener.server.on('request', trace ? trace.wrap(callback) : callback);
  await saveBenchUnions(db);
  const web = (slug: string) => registerClient(idp.registry, slug, webAppClient({ name: 'bench RP', redirectUris: [REDIRECT_URI], postLogoutRedirectUris: [] }));
  const issuer = (slug: string) => idp.registry.issuerUrl(slug);
  const passwordOnly: Target = { issuer: issuer(PASSWORD_UNION.slug), client: await web(PASSWORD_UNION.slug), acr: ACR.password };
  return {
    idp,
    url: listener.url,
    passwordOnly,
    withTotp: { issuer: issuer(TOTP_UNION.slug), client: await web(TOTP_UNION.slug), acr: ACR.mfa },
    offline: { ...passwordOnly, scope: 'openid offline_access' },
    admin: { issuer: passwordOnly.issuer, client: await registerClient(idp.registry, PASSWORD_UNION.slug, adminClient('bench admin')) },
    close: () => closeServer(listener.server),
  };
}

let addresses = 0;
/** Members past the first-login journey sharing one password; with `totp`, each with an authenticator app chosen and set up. */
export async function createMembers(
  db: Database, box: { seal(plain: string): string }, union: UnionInfo,
  count: number, password: { plain: string; hash: string }, totp: boolean,
): Promise<BenchUser[]> {
  const first = addresses;
  const members = await upsertMembers(db, union.slug, Array.from({ length: count }, (_, i) => ({
    insurerNumber: union.insurerNumber, kigo: '900', bango: String(10000 + first + i), edaban: '00',
    nameKanji: '計測 太郎', nameKana: 'ケイソク タロウ', birthdate: '1980-01-01', relation: '本人' as const,
  })));
  const users: BenchUser[] = [];
  for (const member of members) {
    const n = addresses++; // a client address of its own per member, so the per-address code-check limit is not shared
    const userId = `${union.slug}-user-${n}`;
    const user: BenchUser = { userId, password: password.plain, ip: `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` };
    const account = await ensureAccount(db, union.slug, member.id);
    await setLoginCredentials(db, account.id, { userId, passwordHash: password.hash });
    await updateAccount(db, account.id, {
      email: `${userId}@example.jp`, emailVerified: true, birthdateVerified: true, firstLoginCompleted: true,
      ...(totp ? { preferredMfa: 'totp' as const } : {}),
    });
    if (totp) {
      user.totp = { key: crypto.randomBytes(20), lastStep: 0 };
      await addCredential(db, { accountId: account.id, type: 'totp', label: 'bench', secret: box.seal(base32(user.totp.key)) });
    }
    users.push(user);
  }
  return users;
}

/** What a benchmark gets for one database: kenpo-id running on it in this process. */
export interface DatabaseSetup {
  /** The report column, e.g. "kenpo-id sqlite". */
  column: string;
  kind: 'sqlite' | 'postgres';
  database: Awaited<ReturnType<typeof createDatabase>>;
  kenpo: Kenpo;
  secrets: IdpSecrets;
  trace: QueryTrace;
}

/**
 * Runs `measure` once per database of BENCH_DATABASES, each on a fresh database with kenpo-id started
 * on it; a database that cannot be created is noted in the report and skipped. Resolves false if any failed.
 */
export async function forEachDatabase(report: Report, measure: (setup: DatabaseSetup) => Promise<void>): Promise<boolean> {
  let ok = true;
  for (const kind of databases as DatabaseSetup['kind'][]) {
    const column = `kenpo-id ${kind}`;
    let database;
    try {
      database = await createDatabase(kind);
    } catch (err) {
      report.notes.push(`${column}: not measured, the database could not be created (${(err as Error).message})`);
      continue;
    }
    const trace = new QueryTrace(database.db);
    const secrets = idpSecrets();
    const kenpo = await startKenpo(database.db, secrets, trace);
    try {
      await measure({ column, kind, database, kenpo, secrets, trace });
    } catch (err) {
      ok = false;
      console.error(`[bench] ${column} FAILED:`, err);
    } finally {
      await kenpo.close();
      await database.drop();
    }
    for (const [query, times] of trace.repeats) report.notes.push(`${column}: repeated ${times}× within a request: ${query}`);
  }
  return ok;
}
