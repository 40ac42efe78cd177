import type { Database } from '../../../migrations/database.js';
import type { Locale } from '../../../i18n/locale.js';
import type { Account } from '../../accounts/account-repository.js';
import type { Mailer } from '../../../mail/mailer.js';
import type { Member } from '../../members/member-repository.js';
import type { FirstLoginStep } from '../../unions/policy.js';
import type { Union } from '../../unions/union-repository.js';
import type { IdpKey, IdpSaid } from '../../i18n/text.js';

/** Everything a step needs to decide, render and handle — loaded fresh for every request. */
export interface StepContext {
  db: Database;
  union: Union;
  account: Account;
  member: Member;
  mailer: Mailer;
  /** `<base>/u/<slug>`: where mailed links point. */
  issuerUrl: string;
  ip: string;
  /** The language of the page the member is on: their mails are in it unless they chose one (言語). */
  locale: Locale;
  /** The login (oidc-provider's interaction chain) this request belongs to: mailed links prove the mailbox to it. */
  chainId?: string;
}

export type StepOutcome =
  /** The step is satisfied; the journey moves on. */
  | { kind: 'done' }
  /** Show the step again with these messages (and the values to keep in the form). */
  | { kind: 'invalid'; errors: IdpSaid[]; values?: Record<string, string> }
  /** Show the step again without errors (e.g. "mail sent", or another mode of the same step). */
  | { kind: 'again'; values?: Record<string, string>; notice?: IdpSaid }
  /** The login cannot go on (declined terms, locked account): tell the member, then end it. */
  | { kind: 'stop'; message: IdpSaid; /** Told to the application (error_description) when it is the terms. */ reason?: StopReason };

/** Why a sign-in stopped, as the relying party hears it in access_denied's error_description. */
export const STOP_REASONS = { terms_declined: 'the member declined the terms' } as const;
export type StopReason = keyof typeof STOP_REASONS;

export interface StepView {
  view: string;
  locals: Record<string, unknown>;
}

/**
 * A required action of the first-login journey (or a later re-consent). Adding a step is adding a
 * module of this shape and naming it in the union's `firstLoginSteps`.
 */
export interface RequiredStep {
  name: FirstLoginStep;
  title: IdpKey;
  isUnmet(ctx: StepContext): Promise<boolean>;
  render(ctx: StepContext, state: { errors?: IdpSaid[]; values?: Record<string, string>; notice?: IdpSaid }): Promise<StepView>;
  submit(ctx: StepContext, form: Record<string, string>): Promise<StepOutcome>;
}
