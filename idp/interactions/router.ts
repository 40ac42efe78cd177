import Router from '@koa/router';
import { errors } from 'oidc-provider';
import { readForm } from '../http/body.js';
import { clientIp, type UnionContext, type UnionState } from '../http/context.js';
import { csrfToken, isValidCsrfToken } from '../http/csrf.js';
import { renderPage } from '../http/render.js';
import { ACR } from '../mfa/levels.js';
import { grantRequested } from './consent.js';
import { loginError, renderLogin, submitLogin } from './login-step.js';
import { showMfa } from './mfa-step.js';
import { completeFirstLogin, firstUnmetStep, loadStepContext, MFA_PROMPT, REQUIRED_ACTIONS_PROMPT } from './steps/journey.js';
import { STOP_REASONS, type StepContext, type StepOutcome, type StopReason } from './steps/step.js';
import { endStoppedLogin } from './end-login.js';
import { loginProof, loginWithProof, mfaStateOf } from '../mfa/login-proof.js';
import { refuse } from '../http/errors.js';
import { localeOf, textOf, type IdpSaid } from '../i18n/text.js';
import { findAccountInRequest } from '../accounts/account-repository.js';

type Interaction = Awaited<ReturnType<UnionContext['state']['issuer']['provider']['interactionDetails']>>;

async function stepContextFor(ctx: UnionContext, interaction: Interaction) {
  const { issuer, db, mailer } = ctx.state;
  const accountId = interaction.session?.accountId;
  const stepContext = accountId && await loadStepContext(
    { db, mailer, issuerUrl: issuer.provider.issuer, ip: clientIp(ctx), locale: localeOf(ctx), chainId: (interaction as { cid?: string }).cid }, issuer.union, accountId,
  );
  if (!stepContext) throw new errors.SessionNotFound('no account for this interaction');
  hintLocale(ctx, interaction, stepContext.account.language);
  return stepContext;
}

/**
 * The page's language: the application's ui_locales and, once the session's account is known, the
 * member's own setting (言語) — never an account's before its password was right (no enumeration).
 */
function hintLocale(ctx: UnionContext, interaction: Interaction, member?: string | null) {
  ctx.state.localeHints = { uiLocales: interaction.params.ui_locales as string | undefined, member };
}

/** As hintLocale, with the member of a signed-in session asked for its password again (max_age, re-authentication). */
async function hintSessionLocale(ctx: UnionContext, interaction: Interaction) {
  const accountId = interaction.session?.accountId;
  const account = accountId ? await findAccountInRequest(ctx.state.db, ctx.state.issuer.union.slug, accountId) : undefined;
  hintLocale(ctx, interaction, account?.language);
}

/** Renders the first unmet step, or, when none is left, lets the authorization request go on. */
async function showRequiredActions(ctx: UnionContext, interaction: Interaction, state: Exclude<StepOutcome, { kind: 'done' | 'stop' }> | undefined = undefined) {
  const stepContext = await stepContextFor(ctx, interaction);
  const step = await firstUnmetStep(stepContext);
  // 「確認しました。次へ進む」 on the e-mail waiting page while the address is still unconfirmed.
  if (!state && step?.name === 'email' && ctx.query.confirmed === '1') state = { kind: 'again', notice: 'login.steps.email.notYet' };
  if (!step) {
    await completeFirstLogin(stepContext);
    return ctx.state.issuer.provider.interactionFinished(ctx.req, ctx.res, await journeyProofResult(stepContext, interaction), { mergeWithLastSubmission: true });
  }
  const view = await step.render(stepContext, {
    errors: state?.kind === 'invalid' ? state.errors : undefined,
    values: state?.values,
    notice: state?.kind === 'again' ? state.notice : undefined,
  });
  ctx.status = state?.kind === 'invalid' ? 400 : 200;
  ctx.type = 'html';
  ctx.body = await renderPage(ctx, view.view, {
    title: textOf(ctx).t(step.title),
    brand: stepContext.union.name,
    action: `/u/${stepContext.union.slug}/interaction/${interaction.uid}/step/${step.name}`,
    interactionUrl: `/u/${stepContext.union.slug}/interaction/${interaction.uid}`,
    csrf: csrfToken(ctx.state.csrfSecret, interaction.uid),
    ...view.locals,
  });
}

/**
 * The journey's e-mail verification, confirmed during this login, proves the mailbox: it enters
 * the session as the login's second factor (acr/amr), as a passed code would.
 */
async function journeyProofResult(stepContext: StepContext, interaction: Interaction) {
  const state = mfaStateOf(interaction.lastSubmission);
  if (state.proven) return {};
  const proof = await loginProof(stepContext.db, stepContext.account.id, { result: interaction.lastSubmission, chainId: stepContext.chainId });
  if (!proof) return {};
  const remember = (interaction.lastSubmission?.login as { remember?: boolean } | undefined)?.remember ?? true;
  return { mfa: { ...state, proven: proof }, login: loginWithProof(stepContext.account.id, remember, proof) };
}

async function showStopped(ctx: UnionContext, interaction: Interaction, message: IdpSaid, reason?: StopReason) {
  await endStoppedLogin(ctx, interaction);
  ctx.status = 403;
  ctx.type = 'html';
  ctx.body = await renderPage(ctx, 'idp/stopped', {
    title: textOf(ctx).t('login.stopped'),
    brand: ctx.state.issuer.union.name,
    message,
    abort: `/u/${ctx.state.issuer.union.slug}/interaction/${interaction.uid}/abort${reason ? `?reason=${reason}` : ''}`,
  });
}

/**
 * The screens oidc-provider sends the browser to when it needs the member (thin routes: read input,
 * call one function, render or finish the interaction).
 */
export function interactionRouter(): Router<UnionState> {
  const router = new Router<UnionState>({ prefix: '/u/:slug/interaction/:uid' });

  router.use(async (ctx, next) => {
    ctx.set('Cache-Control', 'no-store');
    try {
      await next();
    } catch (err) {
      if (!(err instanceof errors.SessionNotFound)) throw err;
      ctx.status = 400;
      ctx.type = 'html';
      ctx.body = await renderPage(ctx, 'idp/error', {
        title: textOf(ctx).t('common.errorTitle'),
        brand: ctx.state.issuer.union.name,
        code: 'session_expired',
        message: 'login.sessionExpired',
        portalUrl: ctx.state.issuer.union.policy.portalUrl,
      });
    }
  });

  /** Reads a POSTed form after checking it belongs to this interaction's browser. */
  async function trustedForm(ctx: UnionContext, interaction: Interaction) {
    const form = await readForm(ctx);
    if (!isValidCsrfToken(ctx.state.csrfSecret, interaction.uid, form.csrf)) {
      refuse(ctx, 403, 'common.formExpired');
    }
    return form;
  }

  router.get('/', async (ctx) => {
    const { provider } = ctx.state.issuer;
    const interaction = await provider.interactionDetails(ctx.req, ctx.res);
    await hintSessionLocale(ctx, interaction);
    switch (interaction.prompt.name) {
      case 'login': {
        const client = await provider.Client.find(interaction.params.client_id as string);
        return renderLogin(ctx, {
          uid: interaction.uid,
          csrf: csrfToken(ctx.state.csrfSecret, interaction.uid),
          returnUrl: client?.clientUri,
          // A logged-in member asked to authenticate again (max_age, e.g. the account console's re-auth).
          reauth: Boolean(interaction.session?.accountId),
          loginId: typeof interaction.params.login_hint === 'string' ? interaction.params.login_hint.slice(0, 255) : '',
        });
      }
      case REQUIRED_ACTIONS_PROMPT:
        return showRequiredActions(ctx, interaction);
      case MFA_PROMPT:
        return showMfa(ctx, interaction);
      case 'consent':
        return provider.interactionFinished(ctx.req, ctx.res, await grantRequested(provider, interaction), {
          mergeWithLastSubmission: true,
        });
      default:
        throw new Error(`unsupported prompt ${interaction.prompt.name}`);
    }
  });

  router.post('/login', async (ctx) => {
    const { provider } = ctx.state.issuer;
    const interaction = await provider.interactionDetails(ctx.req, ctx.res);
    await hintSessionLocale(ctx, interaction);
    const form = await trustedForm(ctx, interaction);
    if (interaction.prompt.name !== 'login') return ctx.redirect(`/u/${ctx.params.slug}/interaction/${interaction.uid}`);
    const remember = form.remember === 'yes';
    const result = await submitLogin(ctx, form);
    if (!result.ok) {
      if (result.reason === 'throttled') ctx.set('Retry-After', String(result.retryAfterSeconds));
      const error = loginError(result);
      const status = result.reason === 'throttled' ? 429 : result.reason === 'locked' ? 423 : 401;
      return renderLogin(ctx, { uid: interaction.uid, csrf: form.csrf, loginId: result.loginId, remember, error }, status);
    }
    return provider.interactionFinished(ctx.req, ctx.res, {
      login: { accountId: result.accountId, remember, amr: ['pwd'], acr: ACR.password },
    }, { mergeWithLastSubmission: false });
  });

  router.post('/step/:step', async (ctx) => {
    const interaction = await ctx.state.issuer.provider.interactionDetails(ctx.req, ctx.res);
    hintLocale(ctx, interaction);
    const form = await trustedForm(ctx, interaction);
    const here = `/u/${ctx.params.slug}/interaction/${interaction.uid}`;
    if (interaction.prompt.name !== REQUIRED_ACTIONS_PROMPT) return ctx.redirect(here);
    const stepContext = await stepContextFor(ctx, interaction);
    const step = await firstUnmetStep(stepContext);
    // Only the current step may be submitted; anything else (a stale tab) shows where the journey is.
    if (!step || step.name !== ctx.params.step) return ctx.redirect(here);
    const outcome = await step.submit(stepContext, form);
    switch (outcome.kind) {
      case 'done':
        ctx.status = 303;
        return ctx.redirect(here);
      case 'stop':
        return showStopped(ctx, interaction, outcome.message, outcome.reason);
      default:
        return showRequiredActions(ctx, interaction, outcome);
    }
  });

  router.get('/abort', async (ctx) => {
    const { provider } = ctx.state.issuer;
    await endStoppedLogin(ctx, await provider.interactionDetails(ctx.req, ctx.res));
    const asked = String(ctx.query.reason);
    const reason = Object.hasOwn(STOP_REASONS, asked) ? STOP_REASONS[asked as StopReason] : undefined;
    return provider.interactionFinished(ctx.req, ctx.res, {
      error: 'access_denied', error_description: reason ?? 'the member ended the login',
    }, { mergeWithLastSubmission: false });
  });

  return router;
}
