/** Second factors a union can allow. */
export const MFA_METHODS = ['passkey', 'totp', 'email_otp'] as const;
export type MfaMethod = (typeof MFA_METHODS)[number];

/** Steps of the first-login journey, in the order a union may choose. */
export const FIRST_LOGIN_STEPS = ['birthdate', 'terms', 'email', 'user_id', 'password'] as const;
export type FirstLoginStep = (typeof FIRST_LOGIN_STEPS)[number];

export interface PasswordPolicy {
  minLength: number;
  maxLength: number;
  requireLetter: boolean;
  requireDigit: boolean;
  requireSymbol: boolean;
}

export interface LoginThrottlePolicy {
  /** Failed logins from one client address answered at once; each further one waits longer. */
  freeFailures: number;
  /** The wait after the first failure past `freeFailures`, doubling with each next one, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Password attempts per client address, and for the whole union, per window (then 429). */
  perAddress: { max: number; windowMs: number };
  global: { max: number; windowMs: number };
}

/** Everything a union can decide about its members' logins. Stored as JSON; missing keys take the defaults. */
export interface UnionPolicy {
  /** Consecutive wrong passwords (or birthdates) before the account locks. */
  lockoutThreshold: number;
  /**
   * Wrong second-factor answers (codes, assertions) before the account locks, counted apart from
   * passwords and cleared only by a complete login (NIST SP 800-63B rev 4 §3.2.2 allows at most 100).
   */
  mfaLockoutThreshold: number;
  /** A successful password reset by mail also lifts a lockout (unions may keep unlocking to the admin). */
  passwordResetUnlocks: boolean;
  /** Password login throttles, shared by all IdP processes (idp/accounts/login-throttle.ts). */
  loginThrottle: LoginThrottlePolicy;
  /** Days a temporary user ID and password stay valid after issue. */
  temporaryCredentialDays: number;
  /** Order of the first-login steps; a step left out is not asked. */
  firstLoginSteps: FirstLoginStep[];
  password: PasswordPolicy;
  /** `recoveryCodes`: members may keep 10 single-use codes that replace the usual factor once each. */
  mfa: { required: boolean; allowed: MfaMethod[]; recommended: MfaMethod; recoveryCodes: boolean };
  mail: {
    /** Sender of verification links, codes and recovery mails. */
    noReply: string;
    /** Sender of notification mails. */
    info: string;
    /** Sender of the welcome mail. */
    webmaster: string;
  };
  /** Where members land after the first login (the union's portal), for the welcome mail. */
  portalUrl?: string;
  /** Account console: sensitive changes need a password + second-factor login at most this old. */
  reauthMaxAgeSeconds: number;
  /** IdP session limits (idp/oidc/session-lifetime.ts), without and with ログイン状態の保存. */
  sessionLifetimes: SessionLifetimes;
  /** The portal's medical pages want a login at most this old (the portal reads it from its own config). */
  medicalMaxAuthAgeSeconds?: number;
}

/** Seconds. Idle: since the session was last used; absolute: since the login, however much it is used. */
export interface SessionLifetimes {
  idleSeconds: number;
  absoluteSeconds: number;
  rememberedIdleSeconds: number;
  rememberedAbsoluteSeconds: number;
}

export const DEFAULT_POLICY: UnionPolicy = {
  lockoutThreshold: 11,
  mfaLockoutThreshold: 10,
  passwordResetUnlocks: true,
  loginThrottle: {
    freeFailures: 5, baseDelayMs: 250, maxDelayMs: 4000,
    perAddress: { max: 100, windowMs: 15 * 60_000 }, global: { max: 3000, windowMs: 60_000 },
  },
  temporaryCredentialDays: 90,
  firstLoginSteps: [...FIRST_LOGIN_STEPS],
  password: { minLength: 8, maxLength: 64, requireLetter: false, requireDigit: false, requireSymbol: false },
  mfa: { required: true, allowed: [...MFA_METHODS], recommended: 'passkey', recoveryCodes: true },
  mail: { noReply: 'no-reply@example.jp', info: 'info@example.jp', webmaster: 'webmaster@example.jp' },
  reauthMaxAgeSeconds: 300,
  // Keycloak's defaults: SSO Session Idle/Max, and Remember Me's longer pair.
  sessionLifetimes: {
    idleSeconds: 30 * 60, absoluteSeconds: 10 * 60 * 60,
    rememberedIdleSeconds: 14 * 24 * 60 * 60, rememberedAbsoluteSeconds: 30 * 24 * 60 * 60,
  },
};

type Loose = Record<string, unknown>;
const record = (v: unknown): Loose => (v && typeof v === 'object' && !Array.isArray(v) ? v as Loose : {});
const int = (v: unknown, fallback: number) => (Number.isInteger(v) && (v as number) > 0 ? (v as number) : fallback);
const bool = (v: unknown, fallback: boolean) => (typeof v === 'boolean' ? v : fallback);
function subset<T extends string>(v: unknown, allowed: readonly T[], fallback: T[]): T[] {
  if (!Array.isArray(v)) return fallback;
  const picked = v.filter((x): x is T => allowed.includes(x as T));
  return [...new Set(picked)];
}

/** Merges stored settings over the defaults, ignoring values of the wrong type. */
export function resolvePolicy(stored: unknown): UnionPolicy {
  const s = record(stored);
  const password = record(s.password);
  const mfa = record(s.mfa);
  const mail = record(s.mail);
  const d = DEFAULT_POLICY;
  const maxLength = int(password.maxLength, d.password.maxLength);
  const allowed = subset(mfa.allowed, MFA_METHODS, d.mfa.allowed);
  const recommended = allowed.includes(mfa.recommended as MfaMethod) ? mfa.recommended as MfaMethod : allowed[0] ?? d.mfa.recommended;
  return {
    lockoutThreshold: int(s.lockoutThreshold, d.lockoutThreshold),
    mfaLockoutThreshold: Math.min(int(s.mfaLockoutThreshold, d.mfaLockoutThreshold), 100),
    passwordResetUnlocks: bool(s.passwordResetUnlocks, d.passwordResetUnlocks),
    loginThrottle: resolveThrottle(record(s.loginThrottle), d.loginThrottle),
    temporaryCredentialDays: int(s.temporaryCredentialDays, d.temporaryCredentialDays),
    firstLoginSteps: subset(s.firstLoginSteps, FIRST_LOGIN_STEPS, d.firstLoginSteps),
    password: {
      minLength: Math.min(int(password.minLength, d.password.minLength), maxLength),
      maxLength,
      requireLetter: bool(password.requireLetter, d.password.requireLetter),
      requireDigit: bool(password.requireDigit, d.password.requireDigit),
      requireSymbol: bool(password.requireSymbol, d.password.requireSymbol),
    },
    mfa: {
      required: bool(mfa.required, d.mfa.required) && allowed.length > 0, allowed, recommended,
      recoveryCodes: bool(mfa.recoveryCodes, d.mfa.recoveryCodes),
    },
    mail: {
      ...d.mail,
      ...Object.fromEntries(Object.entries(mail).filter(([k, v]) => k in d.mail && typeof v === 'string')),
    },
    portalUrl: typeof s.portalUrl === 'string' ? s.portalUrl : undefined,
    reauthMaxAgeSeconds: int(s.reauthMaxAgeSeconds, d.reauthMaxAgeSeconds),
    sessionLifetimes: resolveLifetimes(record(s.sessionLifetimes), d.sessionLifetimes),
    medicalMaxAuthAgeSeconds: Number.isInteger(s.medicalMaxAuthAgeSeconds) && (s.medicalMaxAuthAgeSeconds as number) > 0
      ? s.medicalMaxAuthAgeSeconds as number : undefined,
  };
}

/** An idle limit longer than its absolute one means nothing: it is cut to the absolute one. */
function resolveLifetimes(l: Loose, d: SessionLifetimes): SessionLifetimes {
  const absoluteSeconds = int(l.absoluteSeconds, d.absoluteSeconds);
  const rememberedAbsoluteSeconds = int(l.rememberedAbsoluteSeconds, d.rememberedAbsoluteSeconds);
  return {
    idleSeconds: Math.min(int(l.idleSeconds, d.idleSeconds), absoluteSeconds),
    absoluteSeconds,
    rememberedIdleSeconds: Math.min(int(l.rememberedIdleSeconds, d.rememberedIdleSeconds), rememberedAbsoluteSeconds),
    rememberedAbsoluteSeconds,
  };
}

function resolveThrottle(t: Loose, d: LoginThrottlePolicy): LoginThrottlePolicy {
  const window = (v: unknown, fallback: LoginThrottlePolicy['perAddress']) => ({
    max: int(record(v).max, fallback.max), windowMs: int(record(v).windowMs, fallback.windowMs),
  });
  const nonNegative = (v: unknown, fallback: number) => (Number.isInteger(v) && (v as number) >= 0 ? (v as number) : fallback);
  return {
    freeFailures: nonNegative(t.freeFailures, d.freeFailures),
    baseDelayMs: nonNegative(t.baseDelayMs, d.baseDelayMs),
    maxDelayMs: nonNegative(t.maxDelayMs, d.maxDelayMs),
    perAddress: window(t.perAddress, d.perAddress),
    global: window(t.global, d.global),
  };
}
