import { interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';
import type { Database } from '../../../migrations/database.js';
import { findAccount, updateAccount } from '../../accounts/account-repository.js';
import { retireTemporaryCredentials } from '../../accounts/temporary-credentials.js';
import { recordAudit } from '../../audit/audit-log.js';
import type { Mailer } from '../../mail/mailer.js';
import { composeMail } from '../../mail/templates.js';
import { findMember } from '../../members/member-repository.js';
import { mfaRequirement } from '../../mfa/requirement.js';
import type { FirstLoginStep } from '../../unions/policy.js';
import type { Union } from '../../unions/union-repository.js';
import { birthdateStep } from './birthdate.js';
import { emailStep } from './email.js';
import { passwordStep } from './password.js';
import type { RequiredStep, StepContext } from './step.js';
import { termsStep } from './terms.js';
import { userIdStep } from './user-id.js';

const STEPS: Record<FirstLoginStep, RequiredStep> = {
  birthdate: birthdateStep,
  terms: termsStep,
  email: emailStep,
  user_id: userIdStep,
  password: passwordStep,
};

export const REQUIRED_ACTIONS_PROMPT = 'required_actions';
export const MFA_PROMPT = 'mfa';

export async function loadStepContext(
  deps: { db: Database; mailer: Mailer; issuerUrl: string; ip: string },
  union: Union,
  accountId: string,
): Promise<StepContext | undefined> {
  const account = await findAccount(deps.db, union.slug, accountId);
  const member = account && await findMember(deps.db, union.slug, account.memberId);
  return account && member ? { ...deps, union, account, member } : undefined;
}

/** The first step of the union's order that this account has not satisfied yet. */
export async function firstUnmetStep(ctx: StepContext): Promise<RequiredStep | undefined> {
  for (const name of ctx.union.policy.firstLoginSteps) {
    if (await STEPS[name].isUnmet(ctx)) return STEPS[name];
  }
  return undefined;
}

/** All steps met for the first time: the postcard's credentials retire and the welcome mail goes out. */
export async function completeFirstLogin(ctx: StepContext): Promise<void> {
  if (ctx.account.firstLoginCompleted) return;
  await ctx.db.transaction(async (trx) => {
    await updateAccount(trx, ctx.account.id, { firstLoginCompleted: true });
    await retireTemporaryCredentials(trx, ctx.account.id);
  });
  await recordAudit(ctx.db, { unionSlug: ctx.union.slug, actor: `member:${ctx.account.id}`, action: 'first_login.completed', target: ctx.account.id, outcome: 'success', ip: ctx.ip });
  if (ctx.account.email) {
    await ctx.mailer.send(await composeMail(ctx.union, 'webmaster', ctx.account.email, 'welcome', `${ctx.union.name} Webサービスへようこそ`, {
      name: ctx.member.nameKanji, portalUrl: ctx.union.policy.portalUrl,
    }));
  }
}

/**
 * oidc-provider's policy with our prompts between login and consent — the required actions, then
 * the second factor (enrolment or challenge, stepping up when a relying party asks for a stronger
 * acr). While either is unmet for the session, no relying party receives a code.
 */
export function interactionPolicyFor(union: Union, db: Database) {
  const { Prompt, Check, base } = interactionPolicy;
  const policy = base();
  policy.add(new Prompt(
    { name: REQUIRED_ACTIONS_PROMPT, requestable: false },
    new Check('required_action_unmet', 'the account has unfinished required actions', async (ctx: KoaContextWithOIDC) => {
      const accountId = ctx.oidc.session?.accountId;
      if (!accountId) return Check.NO_NEED_TO_PROMPT;
      const stepContext = await loadStepContext({ db, mailer: noMail, issuerUrl: '', ip: '' }, union, accountId);
      return stepContext && await firstUnmetStep(stepContext) ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT;
    }),
  ), 1);
  policy.add(new Prompt(
    { name: MFA_PROMPT, requestable: false },
    new Check('second_factor_needed', 'a second factor (or its enrolment) is needed', async (ctx: KoaContextWithOIDC) => {
      const session = ctx.oidc.session;
      const account = session?.accountId ? await findAccount(db, union.slug, session.accountId) : undefined;
      if (!account) return Check.NO_NEED_TO_PROMPT;
      const requirement = await mfaRequirement(db, union, account, { acr: session!.acr }, ctx.oidc.params?.acr_values);
      return requirement.satisfied ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT;
    }),
  ), 2);
  return policy;
}

// Deciding whether a step is unmet never sends mail.
const noMail: Mailer = { send: async () => { throw new Error('no mail while checking the policy'); } };
