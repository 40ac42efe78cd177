/** Everything a union can decide about its members' logins. Stored as JSON; missing keys take the defaults. */
export interface UnionPolicy {
  /** Consecutive wrong passwords (or birthdates, codes) before the account locks. */
  lockoutThreshold: number;
  /** Days a temporary user ID and password stay valid after issue. */
  temporaryCredentialDays: number;
  mail: {
    /** Sender of verification links, codes and recovery mails. */
    noReply: string;
    /** Sender of notification mails. */
    info: string;
    /** Sender of the welcome mail. */
    webmaster: string;
  };
}

export const DEFAULT_POLICY: UnionPolicy = {
  lockoutThreshold: 11,
  temporaryCredentialDays: 90,
  mail: { noReply: 'no-reply@example.jp', info: 'info@example.jp', webmaster: 'webmaster@example.jp' },
};

/** Merges stored settings over the defaults, ignoring values of the wrong type. */
export function resolvePolicy(stored: unknown): UnionPolicy {
  const s = (stored && typeof stored === 'object' ? stored : {}) as Partial<Record<keyof UnionPolicy, unknown>>;
  const int = (v: unknown, fallback: number) => (Number.isInteger(v) && (v as number) > 0 ? (v as number) : fallback);
  const mail = (s.mail && typeof s.mail === 'object' ? s.mail : {}) as Partial<UnionPolicy['mail']>;
  return {
    lockoutThreshold: int(s.lockoutThreshold, DEFAULT_POLICY.lockoutThreshold),
    temporaryCredentialDays: int(s.temporaryCredentialDays, DEFAULT_POLICY.temporaryCredentialDays),
    mail: { ...DEFAULT_POLICY.mail, ...Object.fromEntries(Object.entries(mail).filter(([, v]) => typeof v === 'string')) },
  };
}
