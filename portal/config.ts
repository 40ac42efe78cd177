import fs from 'node:fs';
import path from 'node:path';
import { dataDir } from '../project/paths.js';
import { parseTrustProxy, type ProxyTrust } from '../net/client-address.js';

/** One union the portal serves, as a confidential client of that union's issuer. */
export interface PortalUnion {
  slug: string;
  name: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Minimum acr (portal/acr.ts) a session needs for medical data; absent: any login will do. */
  requiredAcr?: string;
  /** Medical data needs a login at most this many seconds old (sent as max_age); absent: any age. */
  medicalMaxAuthAgeSeconds?: number;
  /** 保険者番号 (8 digits): claim files for this union must carry it; needed to import claims. */
  insurerNumber?: string;
}

export interface PortalConfig {
  baseUrl: string;
  port: number;
  /** The portal's own database (PORTAL_DATABASE_URL); never the IdP's. */
  databaseUrl: string;
  /** Signs the session cookie (at least 32 characters). */
  sessionSecret: string;
  unions: PortalUnion[];
  /** Which proxies may speak for the client in X-Forwarded-* (TRUST_PROXY, as for the IdP). */
  trustProxy: ProxyTrust;
}

type Env = Record<string, string | undefined>;

/** The default SQLite file of the portal, beside the IdP's. */
export const defaultPortalDatabaseUrl = (): string => path.join(dataDir, 'portal.sqlite');

export const portalDatabaseUrl = (env: Env = process.env): string => env.PORTAL_DATABASE_URL || defaultPortalDatabaseUrl();

/** Unions come from PORTAL_UNIONS (JSON) or the JSON file named by PORTAL_UNIONS_FILE. */
export function loadPortalUnions(env: Env = process.env): PortalUnion[] {
  const raw = env.PORTAL_UNIONS ?? (env.PORTAL_UNIONS_FILE ? fs.readFileSync(env.PORTAL_UNIONS_FILE, 'utf8') : '[]');
  const unions = JSON.parse(raw) as PortalUnion[];
  for (const u of unions) {
    for (const key of ['slug', 'name', 'issuer', 'clientId', 'clientSecret'] as const) {
      if (typeof u[key] !== 'string' || !u[key]) throw new Error(`PORTAL_UNIONS: every union needs "${key}"`);
    }
    if (u.requiredAcr !== undefined && (typeof u.requiredAcr !== 'string' || !u.requiredAcr)) {
      throw new Error('PORTAL_UNIONS: "requiredAcr" must be an acr value when present');
    }
    const maxAge = u.medicalMaxAuthAgeSeconds;
    if (maxAge !== undefined && !(Number.isInteger(maxAge) && maxAge > 0)) {
      throw new Error('PORTAL_UNIONS: "medicalMaxAuthAgeSeconds" must be a positive whole number of seconds when present');
    }
    if (u.insurerNumber !== undefined && !(typeof u.insurerNumber === 'string' && /^\d{8}$/.test(u.insurerNumber))) {
      throw new Error('PORTAL_UNIONS: "insurerNumber" must be the 8-digit 保険者番号 when present');
    }
  }
  return unions;
}

export function loadPortalConfig(env: Env = process.env): PortalConfig {
  const baseUrl = (env.PORTAL_BASE_URL ?? 'http://localhost:4000').replace(/\/+$/, '');
  const sessionSecret = env.PORTAL_SESSION_SECRET ?? '';
  if (sessionSecret.length < 32) throw new Error('PORTAL_SESSION_SECRET is required (at least 32 characters)');
  const unions = loadPortalUnions(env);
  return {
    baseUrl,
    port: Number(env.PORTAL_PORT ?? (new URL(baseUrl).port || 4000)),
    databaseUrl: portalDatabaseUrl(env),
    sessionSecret,
    unions,
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
  };
}
