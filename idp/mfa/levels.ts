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

/** A second factor a member can present at login: the union's methods plus single-use recovery codes. */
export type FactorMethod = MfaMethod | 'recovery_code';

/**
 * What this login proved besides the password: a factor, or a link mailed to the verified address
 * and used during this login (the first-login journey's e-mail verification, or the set-up link of a
 * member left with no factor).
 */
export type ProofMethod = FactorMethod | 'email_link';

/**
 * What a proof adds to the login (RFC 8176 amr values; `email` and `recovery_code` are ours). The
 * acr and amr always describe what was verified in an authentication, never a registration.
 */
export const PROOF_AUTHENTICATION: Record<ProofMethod, { amr: string[]; acr: string }> = {
  passkey: { amr: ['hwk', 'user'], acr: ACR.phishingResistant },
  totp: { amr: ['otp'], acr: ACR.mfa },
  email_otp: { amr: ['email'], acr: ACR.mfa },
  recovery_code: { amr: ['recovery_code'], acr: ACR.mfa },
  email_link: { amr: ['email'], acr: ACR.mfa },
};

export const proofLevel = (proof: ProofMethod | undefined): number => (proof ? levelOf(PROOF_AUTHENTICATION[proof].acr) : 0);

/** The strongest level a relying party asked for with `acr_values` (unknown values count as level 0). */
export function requestedLevel(acrValues: unknown): number {
  if (typeof acrValues !== 'string') return 0;
  return Math.max(0, ...acrValues.split(' ').map(levelOf));
}
