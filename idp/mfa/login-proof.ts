import type { Database } from '../../migrations/database.js';
import { usedLinkOfChain } from '../accounts/one-time-links.js';
import { ACR, PROOF_AUTHENTICATION, type ProofMethod } from './levels.js';

/**
 * The second-factor state of one login: one authorization request, across the interactions
 * oidc-provider chains for it (they share the interaction result and its `cid`). Kept in the
 * interaction result, which lives server-side; a new authorization request starts empty, so a
 * session cookie alone never carries a proof into another login.
 */
export interface LoginMfaState {
  /** The factor this login passed. */
  proven?: ProofMethod;
  /** 「次回ログイン時に設定する」 was chosen in this login. */
  deferred?: boolean;
}

/** Links mailed to the verified address that prove the mailbox when used within the same login. */
export const MAILBOX_PROOF_PURPOSES = ['verify_email', 'setup_factor'] as const;

export function mfaStateOf(result: unknown): LoginMfaState {
  const mfa = (result as { mfa?: LoginMfaState } | undefined)?.mfa;
  return mfa && typeof mfa === 'object' ? mfa : {};
}

/** What this login has proven: a factor it passed, or a mailbox link used during it. */
export async function loginProof(db: Database, accountId: string, login: { result: unknown; chainId?: string }): Promise<ProofMethod | undefined> {
  const { proven } = mfaStateOf(login.result);
  if (proven) return proven;
  if (login.chainId && await usedLinkOfChain(db, accountId, MAILBOX_PROOF_PURPOSES, login.chainId)) return 'email_link';
  return undefined;
}

/** The `login` of an interaction result that records a proof in the session's acr/amr. */
export function loginWithProof(accountId: string, remember: boolean, proof: ProofMethod | undefined) {
  if (!proof) return { accountId, remember, acr: ACR.password, amr: ['pwd'] };
  const { acr, amr } = PROOF_AUTHENTICATION[proof];
  return { accountId, remember, acr, amr: ['pwd', ...amr, 'mfa'] };
}
