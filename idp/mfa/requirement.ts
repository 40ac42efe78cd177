import type { Account } from '../accounts/account-repository.js';
import type { Database } from '../../migrations/database.js';
import type { Union } from '../unions/union-repository.js';
import { listCredentials } from './credentials.js';
import { usableFactors } from './factors.js';
import { levelOf, PROOF_AUTHENTICATION, proofLevel, requestedLevel, type FactorMethod, type ProofMethod } from './levels.js';

/** What the second-factor prompt has to do next in this login. */
export type MfaNext =
  /** Nothing: the login may go on. */
  | { kind: 'satisfied' }
  /** Prove one of these factors the member already has. */
  | { kind: 'challenge'; methods: FactorMethod[] }
  /** A factor was proven in this login: set up the chosen app or passkey (or, if deferrable, later). */
  | { kind: 'enrol'; method: 'totp' | 'passkey'; deferrable: boolean }
  /** No factor to present: a link to the verified address proves the mailbox first. */
  | { kind: 'mailbox_link' }
  /** No factor yet, first login under way: the journey's own e-mail verification is the proof. */
  | { kind: 'journey_first' }
  /** Nothing can prove this member: no factor and no verified address (a postcard is the way back). */
  | { kind: 'blocked'; reason: 'no_factor' | 'passkey_not_allowed' };

export interface LoginSoFar {
  /** The session's acr (an earlier login of this session, or this one). */
  sessionAcr?: string;
  /** What this login proved besides the password. */
  proof?: ProofMethod;
  /** 「次回ログイン時に設定する」 was chosen in this login. */
  deferred?: boolean;
  /** The relying party's `acr_values`. */
  acrValues?: unknown;
  /** `factor_exclude=email_otp` (the account console's re-authentication for an e-mail change). */
  excludeEmailOtp?: boolean;
}

/** Once a member has chosen a method or registered a factor, it is asked at every login, even where the union does not insist. */
const secondFactorAsked = (union: Union, account: Account, credentials: unknown[]) =>
  union.policy.mfa.required || account.preferredMfa !== null || credentials.length > 0;

/** Does this member log in with a second factor (the union requires it, or the member chose one)? */
export async function usesSecondFactor(db: Database, union: Union, account: Account): Promise<boolean> {
  return secondFactorAsked(union, account, await listCredentials(db, account.id));
}

/**
 * The rules of the second factor (SPEC §7: a second factor is proven, never merely enrolled):
 * - nothing is set up at login before this login proved a factor the member already had (or, with
 *   none, the mailbox: the first-login journey's verification or a mailed set-up link);
 * - a step-up to phishing resistance without a passkey is: an existing factor, registration, then
 *   an assertion with the new passkey;
 * - a pending set-up interrupts a login that has just proven a factor, never single sign-on.
 */
export async function nextSecondFactorStep(db: Database, union: Union, account: Account, login: LoginSoFar): Promise<MfaNext> {
  const credentials = await listCredentials(db, account.id);
  let usable = await usableFactors({ db, union, account, credentials });
  if (login.excludeEmailOtp && usable.some((m) => m !== 'email_otp')) usable = usable.filter((m) => m !== 'email_otp');
  let neededLevel = Math.max(requestedLevel(login.acrValues), secondFactorAsked(union, account, credentials) ? 1 : 0);
  // A migrated member's initial password is printed-card data: it opens a login only with a code
  // mailed to the address verified in the old service, whatever the union's methods.
  if (account.initialPasswordExpiresAt !== null) {
    usable = account.emailVerified ? ['email_otp'] : [];
    neededLevel = Math.max(neededLevel, 1);
  }
  const level = Math.max(levelOf(login.sessionAcr), proofLevel(login.proof));
  const chosen = account.preferredMfa;
  const pending = chosen && chosen !== 'email_otp' && union.policy.mfa.allowed.includes(chosen)
    && !credentials.some((c) => c.type === chosen) ? chosen : undefined;

  if (level >= neededLevel) {
    if (pending && login.proof && !login.deferred) {
      return { kind: 'enrol', method: pending, deferrable: neededLevel < 2 && usable.includes('email_otp') };
    }
    return { kind: 'satisfied' };
  }
  if (!login.proof) {
    if (usable.length) {
      const strong = usable.filter((m) => levelOf(PROOF_AUTHENTICATION[m].acr) >= neededLevel);
      return { kind: 'challenge', methods: strong.length ? strong : usable };
    }
    if (account.emailVerified) return { kind: 'mailbox_link' };
    if (!account.firstLoginCompleted) return { kind: 'journey_first' };
    return { kind: 'blocked', reason: 'no_factor' };
  }
  // Proven, but weaker than asked: only a passkey reaches phishing resistance.
  if (usable.includes('passkey')) return { kind: 'challenge', methods: ['passkey'] };
  if (union.policy.mfa.allowed.includes('passkey')) return { kind: 'enrol', method: 'passkey', deferrable: false };
  return { kind: 'blocked', reason: 'passkey_not_allowed' };
}

/** Must the member prove a factor before the first-login steps may change the account? */
export const proofComesFirst = (next: MfaNext) => next.kind === 'challenge' || next.kind === 'mailbox_link' || next.kind === 'blocked';
