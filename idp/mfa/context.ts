import type { Database } from '../../migrations/database.js';
import type { Locale } from '../../i18n/locale.js';
import type { IdpSaid } from '../i18n/text.js';
import type { Account } from '../accounts/account-repository.js';
import type { Mailer } from '../../mail/mailer.js';
import type { Member } from '../members/member-repository.js';
import type { SecretBox } from '../security/encryption.js';
import type { Union } from '../unions/union-repository.js';

/** What a second-factor method needs for one member in one interaction. */
export interface MfaContext {
  db: Database;
  union: Union;
  account: Account;
  member: Member;
  mailer: Mailer;
  box: SecretBox;
  /** The oidc-provider interaction the challenge belongs to. */
  interactionUid: string;
  /** The union's issuer URL: its origin and host are the WebAuthn origin and RP ID. */
  issuerUrl: string;
  /** The first cookie key, which keyed recovery codes made before they had a key of their own (recovery-codes.ts). */
  legacyCodeKey: string;
  /** The language of the page the member is on: their mails are in it unless they chose one (言語). */
  locale: Locale;
}

/** The result of checking a code or an assertion: why it failed is a message for the member's page. */
export type FactorCheck = { ok: true; credentialId?: string } | { ok: false; error: IdpSaid };
