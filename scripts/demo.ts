import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ensureAccount, setLoginCredentials, updateAccount } from '../idp/accounts/account-repository.js';
import { hashPassword } from '../idp/accounts/password-hasher.js';
import { issueTemporaryCredentials } from '../idp/accounts/temporary-credentials.js';
import { createIdp } from '../idp/app.js';
import { loadIdpConfig } from '../idp/config.js';
import { startBackchannelWorker } from '../idp/oidc/backchannel-worker.js';
import { upsertMembers } from '../idp/members/member-repository.js';
import { adminClient, registerClient, webAppClient, type RegisteredClient } from '../idp/oidc/client-registry.js';
import { dataDir } from '../project/paths.js';
import { migrateLatest, openDatabase } from '../migrations/database.js';
import { idpMigrations } from '../migrations/idp/index.js';
import { portalMigrations } from '../migrations/portal/index.js';
import { createPortal } from '../portal/app.js';
import { loadPortalConfig, portalDatabaseUrl } from '../portal/config.js';
import { importClaims } from '../portal/medical/claims-import.js';
import { demoClaimPeriod, generateClaims } from '../portal/medical/demo-claims.js';
import { DEMO_ENV_FILE } from './cli.js';
import { DEMO_LOGIN, DEMO_MEMBERS, DEMO_UNION, demoHouseholds } from './demo-data.js';
import { preparePortalDemo } from './demo-portal.js';
import { prepareDemoUnion } from './demo-setup.js';

/**
 * `npm run demo`: the IdP (port 3000) and the portal (port 4000), each on its own embedded SQLite
 * database (data/kenpo-id.sqlite, data/portal.sqlite), with a demo union, members and clients.
 * Secrets for the demo are generated once into data/ (git-ignored).
 */
interface DemoSecrets {
  cookieKey: string;
  dataKey: string;
  portalSessionSecret: string;
  adminClient?: RegisteredClient;
  portalClient?: RegisteredClient;
}

const secretsFile = path.join(dataDir, 'demo-secrets.json');

function loadSecrets(): DemoSecrets {
  if (fs.existsSync(secretsFile)) return JSON.parse(fs.readFileSync(secretsFile, 'utf8'));
  return {
    cookieKey: crypto.randomBytes(32).toString('base64url'),
    dataKey: crypto.randomBytes(32).toString('base64'),
    portalSessionSecret: crypto.randomBytes(32).toString('base64url'),
  };
}

function saveSecrets(secrets: DemoSecrets) {
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(secretsFile, JSON.stringify(secrets, null, 2), { mode: 0o600 });
}

const secrets = loadSecrets();
const env = {
  COOKIE_KEYS: secrets.cookieKey,
  DATA_ENCRYPTION_KEY: secrets.dataKey,
  PORTAL_SESSION_SECRET: secrets.portalSessionSecret,
  // The demo portal's back-channel URI is on loopback: allowed explicitly (README, BACKCHANNEL_ALLOWED_HOSTS).
  BACKCHANNEL_ALLOWED_HOSTS: new URL(process.env.PORTAL_BASE_URL ?? 'http://localhost:4000').host,
  ...process.env,
};
const idpConfig = loadIdpConfig(env);
const db = openDatabase(idpConfig.databaseUrl);
await migrateLatest(db, idpMigrations);

const portalUrl = (process.env.PORTAL_BASE_URL ?? 'http://localhost:4000').replace(/\/+$/, '');
await prepareDemoUnion(db, `${portalUrl}/u/${DEMO_UNION.slug}/`);
const idp = createIdp(idpConfig, db);
const [taro, hanako] = await upsertMembers(db, DEMO_UNION.slug, DEMO_MEMBERS);
// Five years of fictional claims; the same rows at every start, so only new months are added.
const demoClaims = demoHouseholds().flatMap((h) => generateClaims(h, demoClaimPeriod(new Date()), 'demo'));

secrets.adminClient ??= await registerClient(idp.registry, DEMO_UNION.slug, adminClient('デモ組合 管理者'));
secrets.portalClient ??= await registerClient(idp.registry, DEMO_UNION.slug, webAppClient({
  name: 'デモ健康保険組合 ポータル',
  redirectUris: [`${portalUrl}/u/${DEMO_UNION.slug}/callback`],
  postLogoutRedirectUris: [`${portalUrl}/u/${DEMO_UNION.slug}/logged-out`],
  clientUri: `${portalUrl}/u/${DEMO_UNION.slug}/`,
  medical: true,
  backchannelLogoutUri: `${portalUrl}/u/${DEMO_UNION.slug}/backchannel-logout`,
}));
saveSecrets(secrets);
// What the operator CLIs need to work on this demo's database (printed below as one line).
fs.writeFileSync(DEMO_ENV_FILE, [
  `IDP_BASE_URL=${idpConfig.baseUrl}`, `DATABASE_URL=${idpConfig.databaseUrl}`,
  `COOKIE_KEYS=${idpConfig.cookieKeys.join(',')}`, `DATA_ENCRYPTION_KEY=${env.DATA_ENCRYPTION_KEY}`,
  `PORTAL_DATABASE_URL=${portalDatabaseUrl(env)}`, `PORTAL_UNIONS_FILE=${path.join(dataDir, 'portal-unions.json')}`, '',
].join('\n'), { mode: 0o600 });

const taroAccount = await ensureAccount(db, DEMO_UNION.slug, taro.id);
if (!taroAccount.userId) {
  await setLoginCredentials(db, taroAccount.id, { ...DEMO_LOGIN, passwordHash: await hashPassword(DEMO_LOGIN.password) });
  await updateAccount(db, taroAccount.id, { birthdateVerified: true, preferredMfa: 'email_otp', firstLoginCompleted: true });
}
const postcard = await issueTemporaryCredentials(db, {
  unionSlug: DEMO_UNION.slug, memberId: hanako.id, validDays: 90, issuedBy: 'system:demo',
});

const issuer = idp.registry.issuerUrl(DEMO_UNION.slug);
const portalUnionsFile = path.join(dataDir, 'portal-unions.json');
fs.writeFileSync(portalUnionsFile, JSON.stringify([{
  slug: DEMO_UNION.slug, name: DEMO_UNION.name, issuer, insurerNumber: DEMO_UNION.insurerNumber, ...secrets.portalClient,
}], null, 2), { mode: 0o600 });
const portalConfig = loadPortalConfig({ ...env, PORTAL_UNIONS_FILE: portalUnionsFile });
const portalDb = openDatabase(portalConfig.databaseUrl);
await migrateLatest(portalDb, portalMigrations);
const claimCounts = await importClaims(portalDb, DEMO_UNION.slug, demoClaims);
await preparePortalDemo(portalDb, DEMO_UNION.slug, { kigo: DEMO_MEMBERS[0].kigo, bango: DEMO_MEMBERS[0].bango, edaban: DEMO_MEMBERS[0].edaban });
await idp.listen(idpConfig.port, '127.0.0.1');
startBackchannelWorker({ db, registry: idp.registry, retry: idpConfig.backchannelRetry });
const { app: portal, notifications } = createPortal(portalConfig, portalDb);
await new Promise<void>((resolve) => portal.listen(portalConfig.port, '127.0.0.1', () => resolve()));
// Notification mails (a new import of demo claims after a member's first portal login) go to data/mail/ too.
notifications.start();

console.log(`
kenpo-id demo is running (IdP database: ${idpConfig.databaseUrl}, portal database: ${portalConfig.databaseUrl})

  Portal       ${portalUrl}/u/${DEMO_UNION.slug}/
  IdP issuer   ${issuer}   (discovery: ${issuer}/.well-known/openid-configuration)
  アカウント管理  ${issuer}/account/   (the member's own console; the portal header links to it)
  Admin API    ${issuer}/admin/v1   (OpenAPI: ${issuer}/admin/openapi.json)

Log in to the portal as 健保 太郎:
  ユーザID ${DEMO_LOGIN.userId}   パスワード ${DEMO_LOGIN.password}
  then the e-mail one-time password: the mail is printed below (and saved in data/mail/);
  the terms of use (利用規約) are asked once, at the first login

Medical data (医療費情報): ${demoClaims.length} claims for 記号 1234 番号 56789 and 60001 (${claimCounts.created} new)

Postcard (temporary credentials, new at every start) for 健保 花子:
  仮ユーザID ${postcard.temporaryUserId}   仮パスワード ${postcard.temporaryPassword}

Admin client (client credentials, scope admin):
  client_id ${secrets.adminClient.clientId}
  client_secret ${secrets.adminClient.clientSecret}
  curl -s -u '${secrets.adminClient.clientId}:${secrets.adminClient.clientSecret}' -d grant_type=client_credentials -d scope=admin ${issuer}/token
  the portal's admin API (${portalUrl}/u/${DEMO_UNION.slug}/admin/v1, OpenAPI: ${portalUrl}/u/${DEMO_UNION.slug}/admin/openapi.json) takes
  a token asked for with -d scope=portal-admin -d resource=urn:kenpo-id:portal-admin

Operator CLIs (client:create, union:create) on this demo, from another terminal in this folder:
  export $(cat data/demo.env)
  npm run client:create -- --union ${DEMO_UNION.slug} --name 保健事業アプリ --redirect-uri http://localhost:5000/callback

Stop with Ctrl+C. Data stays in data/ (delete the folder to start over).
`);
