import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import type { Database } from '../../migrations/database.js';
import type { Account } from '../accounts/account-repository.js';
import type { Union } from '../unions/union-repository.js';
import type { FactorCheck, MfaContext } from './context.js';
import { listCredentials, type Credential } from './credentials.js';
import { EMAIL_OTP_MINUTES, emailOtpSent, sendEmailOtp, verifyEmailOtp } from './email-otp.js';
import type { IdpKey } from '../i18n/text.js';
import type { FactorMethod } from './levels.js';
import { passkeyAuthenticationOptions, passkeyRegistrationOptions, registerPasskey, verifyPasskey } from './passkey.js';
import { remainingRecoveryCodes, useRecoveryCode } from './recovery-codes.js';
import { completeTotpSetup, startTotpSetup, verifyTotp } from './totp.js';

/** What the member reads for each factor (login screens, the account console), by catalogue key. */
export const FACTOR_LABELS = {
  passkey: 'login.factor.passkey', totp: 'login.factor.totp', email_otp: 'login.factor.email_otp', recovery_code: 'login.factor.recovery_code',
} as const satisfies Record<FactorMethod, IdpKey>;

/** The labels in one language, for pages that list methods by name. */
export const factorLabelsIn = (t: (key: (typeof FACTOR_LABELS)[FactorMethod]) => string): Record<FactorMethod, string> => ({
  passkey: t(FACTOR_LABELS.passkey), totp: t(FACTOR_LABELS.totp), email_otp: t(FACTOR_LABELS.email_otp), recovery_code: t(FACTOR_LABELS.recovery_code),
});

/** Who is presenting factors: enough to tell which ones they can present. */
export interface FactorSubject {
  db: Database;
  union: Union;
  account: Account;
  credentials: Credential[];
}

/** What a form (or the passkey script's JSON) sends for a factor. */
export interface FactorInput {
  code?: string;
  /** The authenticator app chosen by name. */
  device?: string;
  /** The name of a device or passkey being set up. */
  label?: string;
  /** The browser's WebAuthn answer. */
  response?: unknown;
}

/** The result of a check; a recovery code also says how many codes are left. */
export type FactorResult = FactorCheck & { remaining?: number };

/**
 * One second-factor method: whether the member can present it, what its challenge page needs,
 * how an answer is checked and, for apps and passkeys, how one is set up. The login's MFA step
 * dispatches through this registry instead of branching per method.
 */
export interface SecondFactor {
  method: FactorMethod;
  usable(subject: FactorSubject): Promise<boolean>;
  /** Locals of the challenge page (sends the e-mail code, lists the apps). */
  challenge(ctx: MfaContext): Promise<Record<string, unknown>>;
  verify(ctx: MfaContext, input: FactorInput): Promise<FactorResult>;
  enrolment?: {
    /** Locals of the set-up page (the app's QR code). */
    start(ctx: MfaContext): Promise<Record<string, unknown>>;
    complete(ctx: MfaContext, input: FactorInput): Promise<FactorCheck>;
  };
  /** WebAuthn options for the page's script (passkeys only). */
  options?(ctx: MfaContext, mode: 'register' | 'authenticate'): Promise<unknown>;
}

const allows = (union: Union, method: FactorMethod) => method === 'recovery_code' ? union.policy.mfa.recoveryCodes : union.policy.mfa.allowed.includes(method);
const registered = (subject: FactorSubject, type: 'passkey' | 'totp') => subject.credentials.some((c) => c.type === type);

const passkey: SecondFactor = {
  method: 'passkey',
  usable: async (s) => allows(s.union, 'passkey') && registered(s, 'passkey'),
  challenge: async () => ({}),
  verify: (ctx, input) => verifyPasskey(ctx, input.response as AuthenticationResponseJSON),
  enrolment: {
    start: async () => ({}),
    complete: (ctx, input) => registerPasskey(ctx, { label: input.label ?? '', response: input.response as RegistrationResponseJSON }),
  },
  options: (ctx, mode) => (mode === 'register' ? passkeyRegistrationOptions(ctx) : passkeyAuthenticationOptions(ctx)),
};

const totp: SecondFactor = {
  method: 'totp',
  usable: async (s) => allows(s.union, 'totp') && registered(s, 'totp'),
  challenge: async (ctx) => ({
    devices: (await listCredentials(ctx.db, ctx.account.id, 'totp')).map((c) => ({ id: c.id, label: c.label })),
  }),
  verify: (ctx, input) => verifyTotp(ctx, { credentialId: input.device ?? '', code: input.code ?? '' }),
  enrolment: {
    start: async (ctx) => ({ setup: await startTotpSetup(ctx) }),
    complete: (ctx, input) => completeTotpSetup(ctx, { code: input.code ?? '', deviceName: input.label ?? '' }),
  },
};

const emailOtp: SecondFactor = {
  method: 'email_otp',
  usable: async (s) => allows(s.union, 'email_otp') && s.account.emailVerified,
  async challenge(ctx) {
    const sent = (await emailOtpSent(ctx)) ? { ok: true as const } : await sendEmailOtp(ctx, { resend: false });
    return { email: ctx.account.email, validMinutes: EMAIL_OTP_MINUTES, ...(sent.ok ? {} : { error: sent.error }) };
  },
  verify: (ctx, input) => verifyEmailOtp(ctx, input.code ?? ''),
};

const recoveryCode: SecondFactor = {
  method: 'recovery_code',
  usable: async (s) => allows(s.union, 'recovery_code') && (await remainingRecoveryCodes(s.db, s.account.id)) > 0,
  challenge: async () => ({}),
  async verify(ctx, input) {
    const used = await useRecoveryCode(ctx.db, ctx.account.id, input.code ?? '', { box: ctx.box, legacyKey: ctx.legacyCodeKey });
    return used.ok ? { ok: true, remaining: used.remaining } : { ok: false, error: 'login.mfa.recoveryCode.wrong' };
  },
};

/** Strongest first: the order the login offers them in. */
export const SECOND_FACTORS: readonly SecondFactor[] = [passkey, totp, emailOtp, recoveryCode];

export const factorOf = (method: unknown): SecondFactor | undefined => SECOND_FACTORS.find((f) => f.method === method);

/** The factors the member can present now, strongest first. */
export async function usableFactors(subject: FactorSubject): Promise<FactorMethod[]> {
  const usable: FactorMethod[] = [];
  for (const factor of SECOND_FACTORS) if (await factor.usable(subject)) usable.push(factor.method);
  return usable;
}
