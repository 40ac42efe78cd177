import { interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';
import type { Database } from '../../../migrations/database.js';
import { DEFAULT_LOCALE } from '../../../i18n/locale.js';
import { findAccountInRequest, updateAccount, type Account } from '../../accounts/account-repository.js';
import { retireTemporaryCredentials } from '../../accounts/temporary-credentials.js';
import { recordAudit } from '../../../audit/audit-log.js';
import type { Mailer } from '../../../mail/mailer.js';
import { composeMail, mailRecipient } from '../../mail/templates.js';
import { findMember } from '../../members/member-repository.js';
import { loginProof, mfaStateOf } from '../../mfa/login-proof.js';
import { nextSecondFactorStep, proofComesFirst, type LoginSoFar, type MfaNext } from '../../mfa/requirement.js';
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
  deps: Pick<StepContext, 'db' | 'mailer' | 'issuerUrl' | 'ip' | 'locale' | 'chainId'>,
  union: Union,
  accountId: string,
): Promise<StepContext | undefined> {
  const account = await findAccountInRequest(deps.db, union.slug, accountId);
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
    const to = mailRecipient(ctx.account.email, ctx.account.language, ctx.locale);
    await ctx.mailer.send(await composeMail(ctx.union, 'webmaster', to, 'welcome', { key: 'mail.welcome.subject', params: { union: ctx.union.name } }, {
      name: ctx.member.nameKanji, portalUrl: ctx.union.policy.portalUrl,
    }));
  }
}

/**
 * What the second factor needs next for this request: both prompts' checks ask, in one request with
 * nothing written in between, so it is worked out (credentials, proofs, recovery codes) once.
 */
const nextStepOfRequest = new WeakMap<object, Promise<MfaNext>>();
function nextStepFor(ctx: KoaContextWithOIDC, db: Database, union: Union, account: Account): Promise<MfaNext> {
  let next = nextStepOfRequest.get(ctx);
  if (!next) {
    next = loginSoFar(ctx, db, account.id).then((login) => nextSecondFactorStep(db, union, account, login));
    nextStepOfRequest.set(ctx, next);
  }
  return next;
}

/** The login so far, as an interaction policy check sees it (after oidc-provider resumed the request). */
async function loginSoFar(ctx: KoaContextWithOIDC, db: Database, accountId: string): Promise<LoginSoFar> {
  const { result, session, params } = ctx.oidc;
  const chainId = (ctx.oidc.entities.Interaction as { cid?: string } | undefined)?.cid;
  return {
    sessionAcr: session?.acr,
    proof: await loginProof(db, accountId, { result, chainId }),
    deferred: mfaStateOf(result).deferred,
    acrValues: params?.acr_values,
    excludeEmailOtp: params?.factor_exclude === 'email_otp',
  };
}

/**
 * oidc-provider's policy with our prompts between login and consent — the required actions, then
 * the second factor (challenge, set-up, step-up). While either is unmet for the session, no relying
 * party receives a code. A member who has a factor proves it before any required action may change
 * the account (a reissued postcard, a migrated member's initial password, a stolen session cookie).
 */
export function interactionPolicyFor(union: Union, db: Database) {
  const { Prompt, Check, base } = interactionPolicy;
  const policy = base();
  policy.add(new Prompt(
    { name: REQUIRED_ACTIONS_PROMPT, requestable: false },
    new Check('required_action_unmet', 'the account has unfinished required actions', async (ctx: KoaContextWithOIDC) => {
      const accountId = ctx.oidc.session?.accountId;
      if (!accountId) return Check.NO_NEED_TO_PROMPT;
      const stepContext = await loadStepContext({ db, mailer: noMail, issuerUrl: '', ip: '', locale: DEFAULT_LOCALE }, union, accountId);
      if (!stepContext || !(await firstUnmetStep(stepContext))) return Check.NO_NEED_TO_PROMPT;
      return proofComesFirst(await nextStepFor(ctx, db, union, stepContext.account)) ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT;
    }),
  ), 1);
  policy.add(new Prompt(
    { name: MFA_PROMPT, requestable: false },
    new Check('second_factor_needed', 'a second factor (or its set-up) is needed', async (ctx: KoaContextWithOIDC) => {
      const accountId = ctx.oidc.session?.accountId;
      const account = accountId ? await findAccountInRequest(db, union.slug, accountId) : undefined;
      if (!account) return Check.NO_NEED_TO_PROMPT;
      return (await nextStepFor(ctx, db, union, account)).kind === 'satisfied' ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT;
    }),
  ), 2);
  return policy;
}

// Deciding whether a step is unmet never sends mail.
const noMail: Mailer = { send: async () => { throw new Error('no mail while checking the policy'); } };
