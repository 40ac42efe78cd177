import type { MfaMethod } from '../unions/policy.js';

/**
 * Authentication context classes (the `acr` of ID tokens), weakest first. E-mail OTP counts as a
 * second factor for the union's policy but relying parties can tell it apart by `amr` (`email`):
 * NIST SP 800-63B does not accept e-mail as an AAL2 out-of-band authenticator.
 */
export const ACR = {
  password: 'urn:kenpo-id:loa:password',
  mfa: 'urn:kenpo-id:loa:mfa',
  phishingResistant: 'urn:kenpo-id:loa:phishing-resistant',
} as const;
export const ACR_VALUES = [ACR.password, ACR.mfa, ACR.phishingResistant];

export const levelOf = (acr: string | undefined): number => Math.max(0, ACR_VALUES.indexOf(acr as never));

/** What a successful check of each method adds to the login (RFC 8176 amr values; `email` is ours). */
export const METHOD_AUTHENTICATION: Record<MfaMethod, { amr: string[]; acr: string }> = {
  passkey: { amr: ['hwk', 'user'], acr: ACR.phishingResistant },
  totp: { amr: ['otp'], acr: ACR.mfa },
  email_otp: { amr: ['email'], acr: ACR.mfa },
};

/** The strongest level a relying party asked for with `acr_values` (unknown values are ignored). */
export function requestedLevel(acrValues: unknown): number {
  if (typeof acrValues !== 'string') return 0;
  return Math.max(0, ...acrValues.split(' ').filter((v) => ACR_VALUES.includes(v as never)).map(levelOf));
}
