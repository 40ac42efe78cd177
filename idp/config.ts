import path from 'node:path';
import { parseTrustProxy, TrustProxyError, type ProxyTrust } from '../net/client-address.js';
import { AllowListError, parseAllowList } from './oidc/outgoing-requests.js';
import { dataDir } from '../project/paths.js';

export interface IdpConfig {
  /** Public origin of the IdP; each union's issuer is `<baseUrl>/u/<slug>`. */
  baseUrl: string;
  port: number;
  databaseUrl: string;
  /** Keys that sign cookies; the first signs, all verify (rotate by prepending). */
  cookieKeys: string[];
  /** 32-byte key that encrypts secrets at rest (signing keys, client secrets, TOTP seeds). */
  dataEncryptionKey: Buffer;
  /** SMTP server for outgoing mail; without one, mail is written to `mailDir` and printed. */
  smtpUrl?: string;
  mailDir: string;
  /** Which proxies may speak for the client in X-Forwarded-* (TRUST_PROXY: hop count or addresses/CIDRs). */
  trustProxy: ProxyTrust;
  /** argon2id cost (PASSWORD_HASH_*); raised to OWASP's m=19 MiB, t=2, p=1 where lower. */
  passwordHashing: { memoryCost?: number; timeCost?: number; parallelism?: number };
  /** Special-use hosts/addresses back-channel logout may reach (BACKCHANNEL_ALLOWED_HOSTS). */
  backchannelAllowList: ReturnType<typeof parseAllowList>;
  /** Outbox retry schedule: first delay, doubling, capped at an hour; given up after maxAttempts. */
  backchannelRetry: { baseDelayMs: number; maxAttempts: number };
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

export function defaultDatabaseUrl(): string {
  return path.join(dataDir, 'kenpo-id.sqlite');
}

export function loadIdpConfig(env: Env = process.env): IdpConfig {
  const baseUrl = (env.IDP_BASE_URL ?? 'http://localhost:3000').replace(/\/+$/, '');
  return {
    baseUrl,
    port: parsePort(env.IDP_PORT ?? (new URL(baseUrl).port || '3000'), 'IDP_PORT'),
    databaseUrl: env.DATABASE_URL || defaultDatabaseUrl(),
    cookieKeys: parseCookieKeys(env.COOKIE_KEYS),
    dataEncryptionKey: parseDataKey(env.DATA_ENCRYPTION_KEY),
    smtpUrl: env.SMTP_URL || undefined,
    mailDir: env.MAIL_DIR || path.join(dataDir, 'mail'),
    trustProxy: parseProxyTrust(env.TRUST_PROXY),
    backchannelAllowList: parseBackchannelAllowList(env.BACKCHANNEL_ALLOWED_HOSTS),
    backchannelRetry: {
      baseDelayMs: parsePositive(env.BACKCHANNEL_RETRY_BASE_MS ?? '10000', 'BACKCHANNEL_RETRY_BASE_MS'),
      maxAttempts: parsePositive(env.BACKCHANNEL_MAX_ATTEMPTS ?? '12', 'BACKCHANNEL_MAX_ATTEMPTS'),
    },
    passwordHashing: {
      memoryCost: optionalInt(env.PASSWORD_HASH_MEMORY_KIB, 'PASSWORD_HASH_MEMORY_KIB'),
      timeCost: optionalInt(env.PASSWORD_HASH_ITERATIONS, 'PASSWORD_HASH_ITERATIONS'),
      parallelism: optionalInt(env.PASSWORD_HASH_PARALLELISM, 'PASSWORD_HASH_PARALLELISM'),
    },
  };
}

function parseBackchannelAllowList(value: string | undefined) {
  try {
    return parseAllowList(value);
  } catch (err) {
    if (err instanceof AllowListError) throw new ConfigError(err.message);
    throw err;
  }
}

function parsePositive(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new ConfigError(`${name} must be a positive whole number`);
  return n;
}

function parseProxyTrust(value: string | undefined): ProxyTrust {
  try {
    return parseTrustProxy(value);
  } catch (err) {
    if (err instanceof TrustProxyError) throw new ConfigError(err.message);
    throw err;
  }
}

function optionalInt(value: string | undefined, name: string): number | undefined {
  if (!value) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new ConfigError(`${name} must be a positive whole number`);
  return n;
}

export function parsePort(value: string, name: string): number {
  const port = Number(value || '0');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`${name} must be a port number`);
  return port;
}

function parseCookieKeys(value: string | undefined): string[] {
  const keys = (value ?? '').split(',').map((k) => k.trim()).filter(Boolean);
  if (keys.length === 0) throw new ConfigError('COOKIE_KEYS is required (comma-separated, at least 32 characters each)');
  if (keys.some((k) => k.length < 32)) throw new ConfigError('each COOKIE_KEYS entry must be at least 32 characters');
  return keys;
}

export function parseDataKey(value: string | undefined): Buffer {
  const key = Buffer.from(value ?? '', 'base64');
  if (key.length !== 32) throw new ConfigError('DATA_ENCRYPTION_KEY is required: 32 random bytes, base64-encoded');
  return key;
}
