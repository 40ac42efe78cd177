import type { Account } from '../accounts/account-repository.js';
import type { Database } from '../../migrations/database.js';
import type { MfaMethod } from '../unions/policy.js';
import type { Union } from '../unions/union-repository.js';
import { listCredentials } from './credentials.js';
import { levelOf, requestedLevel } from './levels.js';

/** What the union's policy and the relying party's request ask of this login, given the session so far. */
export interface MfaRequirement {
  /** A method the member chose but has not set up yet: set it up now. */
  enrol?: MfaMethod;
  /** Methods the member can prove now, strongest first. */
  available: MfaMethod[];
  /** 0 password, 1 multi-factor, 2 phishing-resistant. */
  neededLevel: number;
  satisfied: boolean;
}

export async function mfaRequirement(
  db: Database,
  union: Union,
  account: Account,
  session: { acr?: string },
  acrValues?: unknown,
): Promise<MfaRequirement> {
  const credentials = await listCredentials(db, account.id);
  const has = (type: 'passkey' | 'totp') => credentials.some((c) => c.type === type);
  const { allowed, required } = union.policy.mfa;
  const available = allowed.filter((m) => (m === 'email_otp' ? account.emailVerified : has(m)))
    .sort((a, b) => (a === 'passkey' ? -1 : b === 'passkey' ? 1 : a === 'totp' ? -1 : 1));
  // Once a member has chosen a method, the challenge runs at every login, even where the union does not insist.
  const usesMfa = required || account.preferredMfa !== null || credentials.length > 0;
  const neededLevel = Math.max(requestedLevel(acrValues), usesMfa ? 1 : 0);
  const preferred = account.preferredMfa;
  let enrol: MfaMethod | undefined;
  if (preferred && preferred !== 'email_otp' && allowed.includes(preferred) && !has(preferred)) enrol = preferred;
  else if (neededLevel === 2 && !has('passkey') && allowed.includes('passkey')) enrol = 'passkey';
  // A pending set-up is asked for when a login starts; a session that already passed a second factor
  // (the member chose 次回ログイン時に設定する and used an e-mail code) is not interrupted for it.
  const satisfied = levelOf(session.acr) >= Math.max(neededLevel, enrol ? 1 : 0);
  return { enrol, available, neededLevel, satisfied };
}
