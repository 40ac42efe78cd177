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
  /** The union's info@ address, sender of its notification mails; absent: DEFAULT_INFO_MAIL. */
  infoMail?: string;
}

/**
 * The sender of a union without `infoMail`. Not info@ + the portal's host: that is `localhost` in the
 * demo and in tests, which no mail server accepts as a sender domain; example.jp is reserved for
 * examples (RFC 2606's .jp counterpart), so a forgotten setting is obvious in every mail.
 */
export const DEFAULT_INFO_MAIL = 'info@example.jp';

/** How notification mails leave: the server, the pace, and the retries (portal/notifications). */
export interface PortalMailConfig {
  /**
   * SMTP_URL, as for the IdP (each program reads its own environment, so the two may name different
   * servers); without it (the demo) mails are written as .eml files to `mailDir` (MAIL_DIR).
   */
  smtpUrl?: string;
  mailDir: string;
  /** PORTAL_MAIL_RATE: notification mails per second, per portal process. */
  ratePerSecond: number;
  /** PORTAL_MAIL_MAX_ATTEMPTS: attempts of one mail before it is given up (a permanent 5xx refusal ends at once). */
  maxAttempts: number;
  /** PORTAL_MAIL_RETRY_BASE_MS: delay after the first failed attempt, doubling after each further one (at most an hour). */
  retryBaseMs: number;
  /** PORTAL_MAIL_LEASE_MS: how long a delivery stays with a process that went silent mid-attempt before another retries it. */
  leaseMs: number;
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
  mail: PortalMailConfig;
}

type Env = Record<string, string | undefined>;

/** The default SQLite file of the portal, beside the IdP's. */
export const defaultPortalDatabaseUrl = (): string => path.join(dataDir, 'portal.sqlite');

export const portalDatabaseUrl = (env: Env = process.env): string => env.PORTAL_DATABASE_URL || defaultPortalDatabaseUrl();

// One address, nothing around it: the display name is the union's name.
const MAIL_ADDRESS = /^[^\s@<>()",;:]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

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
    if (u.infoMail !== undefined && !(typeof u.infoMail === 'string' && MAIL_ADDRESS.test(u.infoMail))) {
      throw new Error('PORTAL_UNIONS: "infoMail" must be a plain e-mail address (info@example.jp, no display name) when present');
    }
  }
  return unions;
}

/** A number from the environment, or its default; anything else stops the start with the variable's name. */
function numberFrom(env: Env, name: string, fallback: number, valid: (n: number) => boolean, rule: string): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || !valid(value)) throw new Error(`${name} must be ${rule}`);
  return value;
}

export function loadMailConfig(env: Env = process.env): PortalMailConfig {
  return {
    smtpUrl: env.SMTP_URL || undefined,
    mailDir: env.MAIL_DIR || path.join(dataDir, 'mail'),
    ratePerSecond: numberFrom(env, 'PORTAL_MAIL_RATE', 5, (n) => n > 0 && n <= 1000, 'a number of mails per second above 0 (at most 1000)'),
    maxAttempts: numberFrom(env, 'PORTAL_MAIL_MAX_ATTEMPTS', 8, (n) => Number.isInteger(n) && n >= 1 && n <= 100, 'a whole number from 1 to 100'),
    retryBaseMs: numberFrom(env, 'PORTAL_MAIL_RETRY_BASE_MS', 60_000, (n) => Number.isInteger(n) && n >= 0, 'a whole number of milliseconds'),
    leaseMs: numberFrom(env, 'PORTAL_MAIL_LEASE_MS', 60_000, (n) => Number.isInteger(n) && n >= 1000, 'a whole number of milliseconds, at least 1000'),
  };
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
    mail: loadMailConfig(env),
  };
}
