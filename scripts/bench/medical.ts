import crypto from 'node:crypto';
import fs from 'node:fs';
import { importJWK, SignJWT } from 'jose';
import { createIdp } from '../../idp/app.js';
import { loadIdpConfig } from '../../idp/config.js';
import { registerClient, webAppClient } from '../../idp/oidc/client-registry.js';
import { loadSigningKeys } from '../../idp/oidc/signing-keys.js';
import { saveUnion } from '../../idp/unions/union-repository.js';
import type { Database } from '../../migrations/database.js';
import { portalMigrations } from '../../migrations/portal/index.js';
import { createPortal } from '../../portal/app.js';
import { loadPortalConfig } from '../../portal/config.js';
import type { DownloadKind } from '../../portal/exports/downloads.js';
import { formatClaimsCsv, parseClaimsCsv, type ClaimRecord } from '../../portal/medical/claims-csv.js';
import { importClaims } from '../../portal/medical/claims-import.js';
import { demoClaimPeriod, generateClaims, syntheticHousehold } from '../../portal/medical/demo-claims.js';
import { monthsOf, yearOf } from '../../portal/medical/period.js';
import { PORTAL_RESOURCE } from '../../portal/oidc-client.js';
import { progressBar } from '../progress-bar.js';
import {
  closeServer, concurrency, createDatabase, listenOnFreePort, machine, printTable, runFor, seconds, summarize,
} from './harness.js';

/**
 * `npm run bench:medical`: BENCH_MEMBERS people (default 1,000,000) in generated households with five
 * years of claims, imported file by file through the same parse → validate → write path as
 * `claims:import`; then the medical pages over HTTP against the real portal and IdP in this process
 * (session from the store, JWT verified against the issuer's JWKS, claims queried, audit written,
 * EJS rendered) by BENCH_CONCURRENCY clients for BENCH_SECONDS per page, and likewise the year's
 * four downloads, each built from the statement on every request.
 */
const members = Math.max(1, Number(process.env.BENCH_MEMBERS) || 1_000_000);
const householdsPerFile = Math.max(1, Number(process.env.BENCH_HOUSEHOLDS_PER_FILE) || 2_000);
const SESSIONS = 1_000; // distinct logged-in members the clients pick from at random
const UNION = { slug: 'bench', name: 'ベンチマーク健康保険組合', insurerNumber: '06130099' };
const SEED = 'bench';
const log = (message: string) => console.log(`[bench] ${message}`);
/** Expected media types: a refusal is an HTML page, so checking the type keeps it out of the figures. */
const DOWNLOAD_TYPES: Record<DownloadKind, string> = {
  pdf: 'application/pdf', csv: 'text/csv', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', xml: 'application/xml',
};

interface ImportFigures { households: number; people: number; rows: number; generateMs: number; parseMs: number; writeMs: number }

/** Generates households into CSV files in memory and imports each in its own transaction. */
async function importMembers(db: Database, now: Date): Promise<ImportFigures> {
  const period = demoClaimPeriod(now);
  const figures: ImportFigures = { households: 0, people: 0, rows: 0, generateMs: 0, parseMs: 0, writeMs: 0 };
  const bar = progressBar('members', members);
  while (figures.people < members) {
    let t = performance.now();
    const file: ClaimRecord[] = [];
    for (let i = 0; i < householdsPerFile && figures.people < members; i += 1) {
      const household = syntheticHousehold(figures.households, UNION.insurerNumber, SEED);
      figures.households += 1;
      figures.people += household.people.length;
      for (const claim of generateClaims(household, period, SEED)) file.push(claim);
    }
    const csv = formatClaimsCsv(file);
    figures.generateMs += performance.now() - t;
    t = performance.now();
    const parsed = parseClaimsCsv(csv, { insurerNumber: UNION.insurerNumber, now });
    if (!parsed.ok) throw new Error(`generated file refused: ${JSON.stringify(parsed.errors.slice(0, 3))}`);
    figures.parseMs += performance.now() - t;
    t = performance.now();
    await importClaims(db, UNION.slug, parsed.records);
    figures.writeMs += performance.now() - t;
    figures.rows += file.length;
    bar.update(Math.min(figures.people, members));
  }
  bar.finish(Math.min(figures.people, members));
  return figures;
}

/** express-session's signed cookie value (cookie-signature: HMAC-SHA256, base64 without padding). */
const sessionCookie = (sid: string, secret: string) =>
  `kenpo_portal=${encodeURIComponent(`s:${sid}.${crypto.createHmac('sha256', secret).update(sid).digest('base64').replace(/=+$/, '')}`)}`;

/**
 * Logged-in sessions straight into the store, each holding an access token signed with the union's
 * own key as the IdP would issue it, for a random person of a random household.
 */
async function createSessions(idpDb: Database, portalDb: Database, issuer: string, clientId: string, secret: string, box: Parameters<typeof loadSigningKeys>[2], households: number): Promise<string[]> {
  const { keys: [jwk] } = await loadSigningKeys(idpDb, UNION.slug, box);
  const key = await importJWK(jwk as never, 'RS256');
  const cookies: string[] = [];
  const nowSeconds = Math.floor(Date.now() / 1000);
  for (let i = 0; i < SESSIONS; i += 1) {
    const n = crypto.randomInt(households);
    const household = syntheticHousehold(n, UNION.insurerNumber, SEED);
    const person = household.people[crypto.randomInt(household.people.length)];
    const sub = `bench-${n}-${person.edaban}`;
    const accessToken = await new SignJWT({
      sub, client_id: clientId, scope: 'openid profile medical', jti: crypto.randomUUID(),
      insurer_number: household.insurerNumber, kigo: household.kigo, bango: household.bango, edaban: person.edaban, relation: person.relation,
    }).setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: jwk.kid as string })
      .setIssuer(issuer).setAudience(PORTAL_RESOURCE).setIssuedAt(nowSeconds).setExpirationTime(nowSeconds + 4 * 3600).sign(key);
    const sid = crypto.randomBytes(24).toString('base64url');
    const expires = Date.now() + 4 * 3600 * 1000;
    const data = {
      cookie: { originalMaxAge: 30 * 60 * 1000, expires: new Date(expires).toISOString(), httpOnly: true, path: '/', sameSite: 'lax', secure: false },
      members: { [UNION.slug]: { sub, name: person.name, idToken: 'unused', accessToken, accessTokenExpiresAt: expires } },
    };
    await portalDb('portal_sessions').insert({ sid, data: JSON.stringify(data), expires_at: expires });
    cookies.push(sessionCookie(sid, secret));
  }
  return cookies;
}

// The portal's database holds the claims (and is what the figures measure); the IdP's only signs tokens.
const database = await createDatabase(undefined, portalMigrations);
const idpDatabase = await createDatabase(database.kind.startsWith('postgres') ? 'postgres' : 'sqlite');
const idpListener = await listenOnFreePort();
const portalListener = await listenOnFreePort();
let failed = false;
try {
  const now = new Date();
  log(`database: ${database.kind}; ${members.toLocaleString('en')} members, ${householdsPerFile.toLocaleString('en')} households per file`);
  await saveUnion(idpDatabase.db, UNION);
  const started = performance.now();
  const imported = await importMembers(database.db, now);
  const importSeconds = (performance.now() - started) / 1000;
  const rowsPerSecond = (ms: number) => Math.round(imported.rows / (ms / 1000)).toLocaleString('en');
  log(`imported ${imported.rows.toLocaleString('en')} claims of ${imported.households.toLocaleString('en')} households in ${importSeconds.toFixed(0)} s`);

  const idp = createIdp(loadIdpConfig({
    IDP_BASE_URL: idpListener.url, DATABASE_URL: 'unused',
    COOKIE_KEYS: crypto.randomBytes(32).toString('base64url'), DATA_ENCRYPTION_KEY: crypto.randomBytes(32).toString('base64'),
  }), idpDatabase.db);
  idpListener.server.on('request', idp.app.callback());
  const issuer = idp.registry.issuerUrl(UNION.slug);
  const client = await registerClient(idp.registry, UNION.slug, webAppClient({
    name: 'bench portal', redirectUris: [`${portalListener.url}/u/${UNION.slug}/callback`], postLogoutRedirectUris: [], medical: true,
  }));
  const sessionSecret = crypto.randomBytes(32).toString('base64url');
  const { app } = createPortal(loadPortalConfig({
    PORTAL_BASE_URL: portalListener.url, PORTAL_SESSION_SECRET: sessionSecret,
    PORTAL_UNIONS: JSON.stringify([{ slug: UNION.slug, name: UNION.name, issuer, ...client }]),
  }), database.db);
  portalListener.server.on('request', app);
  const cookies = await createSessions(idpDatabase.db, database.db, issuer, client.clientId, sessionSecret, idp.registry.deps.box, imported.households);

  const months = monthsOf(demoClaimPeriod(now));
  const lastFullYear = yearOf(months.at(-1)!) - 1;
  const pages: [string, () => string, string?][] = [
    ['医療費情報 (summary)', () => '/medical/'],
    [`year statement (${lastFullYear})`, () => `/medical/years/${lastFullYear}`],
    ['month statement (random month)', () => `/medical/months/${months[crypto.randomInt(months.length)]}`],
    ...Object.entries(DOWNLOAD_TYPES).map(([kind, type]): [string, () => string, string] =>
      [`${kind} download (${lastFullYear})`, () => `/medical/download/${kind}?year=${lastFullYear}`, type]),
  ];
  /** A page must mention 医療費; a download (`type` given) must be a non-empty body of that media type. */
  const fetchPage = async (path: string, type?: string) => {
    const cookie = cookies[crypto.randomInt(cookies.length)];
    const response = await fetch(`${portalListener.url}/u/${UNION.slug}${path}`, { headers: { cookie }, redirect: 'manual' });
    const ok = type
      ? (await response.arrayBuffer()).byteLength > 0 && response.headers.get('content-type')?.split(';')[0] === type
      : (await response.text()).includes('医療費');
    if (response.status !== 200 || !ok) throw new Error(`${response.status} ${response.headers.get('content-type')} at ${path}`);
  };
  await fetchPage('/medical/'); // discovery and JWKS are fetched once; keep that out of the figures

  const rows: [string, string][] = [
    ...machine(),
    ['database', `${database.kind}${database.url.endsWith('.sqlite') ? `, ${(fs.statSync(database.url).size / 2 ** 30).toFixed(2)} GiB` : ''}`],
    ['members / households', `${imported.people.toLocaleString('en')} / ${imported.households.toLocaleString('en')}`],
    ['claim rows', imported.rows.toLocaleString('en')],
    ['import rows/s (parse + validate + write)', rowsPerSecond(imported.parseMs + imported.writeMs)],
    ['  parse + validate only / write only', `${rowsPerSecond(imported.parseMs)} / ${rowsPerSecond(imported.writeMs)}`],
    ['  generating (not counted)', `${(imported.generateMs / 1000).toFixed(0)} s`],
    ['concurrency / seconds per page', `${concurrency} / ${seconds}`],
  ];
  for (const [name, path, type] of pages) {
    log(`${name} for ${seconds} s`);
    const result = summarize(await runFor(seconds * 1000, () => fetchPage(path(), type)));
    if (result.errors.length > 0) {
      failed = true;
      console.error(`[bench] ${name}: ${result.errors.length} worker(s) failed, first:`, result.errors[0]);
    }
    rows.push([`${name} req/s, p50 / p95 (ms)`, `${result.rate.toFixed(1)}, ${result.p50.toFixed(1)} / ${result.p95.toFixed(1)}`]);
  }
  printTable(rows);
} catch (err) {
  failed = true;
  console.error('[bench] FAILED:', err);
} finally {
  await Promise.all([closeServer(idpListener.server), closeServer(portalListener.server)]);
  await Promise.all([database.drop(), idpDatabase.drop()]);
}
process.exitCode = failed ? 1 : 0;
