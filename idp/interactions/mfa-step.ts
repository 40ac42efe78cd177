import Router from '@koa/router';
import { updateAccount } from '../accounts/account-repository.js';
import { announceLock } from '../accounts/lock-notice.js';
import { accountScope, checkSecondFactorUnderLockout, type LockScope } from '../accounts/lockout.js';
import { deviceScope, trustedDeviceOf } from '../accounts/trusted-devices.js';
import { deviceCookieOf } from './device-cookie.js';
import { recordAudit } from '../../audit/audit-log.js';
import { readForm, readJson } from '../http/body.js';
import { clientIp, type UnionContext, type UnionState } from '../http/context.js';
import { csrfToken, isValidCsrfToken } from '../http/csrf.js';
import { renderPage } from '../http/render.js';
import { localeOf, textOf, type IdpSaid } from '../i18n/text.js';
import type { MfaContext } from '../mfa/context.js';
import { sendEmailOtp } from '../mfa/email-otp.js';
import { announceFactorChange } from '../mfa/factor-notice.js';
import { FACTOR_LABELS, factorOf, type FactorInput, type SecondFactor } from '../mfa/factors.js';
import type { FactorMethod } from '../mfa/levels.js';
import { loginProof, loginWithProof, mfaStateOf, type LoginMfaState } from '../mfa/login-proof.js';
import { CODE_CHECK_LIMITS, takeAttemptOrWait } from '../mfa/rate-limit.js';
import { nextSecondFactorStep, type MfaNext } from '../mfa/requirement.js';
import { SecretBox } from '../security/encryption.js';
import { mailSetupLink, setupLinkPending } from './setup-link.js';
import { loadStepContext, MFA_PROMPT } from './steps/journey.js';
import { refuse } from '../http/errors.js';

type Interaction = Awaited<ReturnType<UnionContext['state']['issuer']['provider']['interactionDetails']>>;

/** Everything the second-factor screens need for one member in one interaction. */
interface MfaStepContext extends MfaContext {
  state: LoginMfaState;
  proof: LoginMfaState['proven'];
  next: MfaNext;
  remember: boolean;
  chainId: string | undefined;
  userAgent: string;
  ip: string;
  /** Where wrong answers count: this trusted browser's own count, or the account's (unknown browsers). */
  lockScope: LockScope;
}

async function mfaContext(ctx: UnionContext, interaction: Interaction): Promise<MfaStepContext> {
  const { issuer, db, mailer, csrfSecret } = ctx.state;
  const ip = clientIp(ctx);
  const step = interaction.session?.accountId && await loadStepContext(
    { db, mailer, issuerUrl: issuer.provider.issuer, ip, locale: localeOf(ctx) }, issuer.union, interaction.session.accountId,
  );
  if (!step) refuse(ctx, 400, 'common.loginExpired');
  ctx.state.localeHints = { uiLocales: interaction.params.ui_locales as string | undefined, member: step.account.language };
  const chainId = (interaction as { cid?: string }).cid;
  const state = mfaStateOf(interaction.lastSubmission);
  const proof = await loginProof(db, step.account.id, { result: interaction.lastSubmission, chainId });
  const next = await nextSecondFactorStep(db, issuer.union, step.account, {
    sessionAcr: interaction.session?.acr, proof, deferred: state.deferred,
    acrValues: interaction.params.acr_values, excludeEmailOtp: interaction.params.factor_exclude === 'email_otp',
  });
  const device = await trustedDeviceOf(db, issuer.union.slug, step.account.id, deviceCookieOf(ctx));
  return {
    ...step, ip, state, proof, next, chainId, userAgent: ctx.get('user-agent'),
    lockScope: device ? deviceScope(device) : accountScope(step.account.id),
    remember: (interaction.lastSubmission?.login as { remember?: boolean } | undefined)?.remember ?? true,
    interactionUid: interaction.uid, issuerUrl: issuer.provider.issuer, box: new SecretBox(ctx.state.dataKey), legacyCodeKey: csrfSecret,
  };
}

/** The interaction result that carries this login's second-factor state and what it proved into the session. */
function resultOf(m: MfaStepContext, changes: LoginMfaState) {
  const mfa = { ...m.state, ...changes };
  const proof = mfa.proven ?? m.proof;
  return { mfa: { ...mfa, proven: proof }, login: loginWithProof(m.account.id, m.remember, proof) };
}

const finish = (ctx: UnionContext, m: MfaStepContext, changes: LoginMfaState) =>
  ctx.state.issuer.provider.interactionFinished(ctx.req, ctx.res, resultOf(m, changes), { mergeWithLastSubmission: true });

/** The factor this page shows: asked for and allowed now, else the member's preferred one, else the strongest. */
function shownMethod(m: MfaStepContext, asked: unknown): FactorMethod | undefined {
  if (m.next.kind === 'enrol') return m.next.method;
  if (m.next.kind !== 'challenge') return undefined;
  const { methods } = m.next;
  return methods.find((x) => x === asked) ?? methods.find((x) => x === m.account.preferredMfa) ?? methods[0];
}

async function render(ctx: UnionContext, status: number, locals: Record<string, unknown> & { title: string }) {
  ctx.status = status;
  ctx.type = 'html';
  ctx.body = await renderPage(ctx, 'idp/mfa', locals);
}

/** Renders what the second factor needs next: a challenge, a set-up, the mailed set-up link, or why it cannot go on. */
export async function showMfa(ctx: UnionContext, interaction: Interaction, view: { method?: string; error?: IdpSaid; notice?: IdpSaid; status?: number } = {}) {
  const m = await mfaContext(ctx, interaction);
  // The page of a step already passed (a link used elsewhere, a stale tab): carry the proof on.
  if (m.next.kind === 'satisfied') return finish(ctx, m, {});
  const base = `/u/${m.union.slug}/interaction/${interaction.uid}`;
  const { t } = textOf(ctx);
  const common = {
    brand: m.union.name, base, csrf: csrfToken(ctx.state.csrfSecret, interaction.uid), labels: FACTOR_LABELS,
    error: view.error, notice: view.notice, kind: m.next.kind, method: undefined as FactorMethod | undefined, others: [] as FactorMethod[],
  };
  const status = view.status ?? (view.error ? 400 : 200);
  if (m.next.kind === 'mailbox_link') {
    if (!(await setupLinkPending(m, m.chainId))) await mailSetupLink(m, m.chainId);
    return render(ctx, status, { ...common, title: t('login.mfa.title.setupLink'), email: m.account.email });
  }
  if (m.next.kind === 'blocked' || m.next.kind === 'journey_first') {
    const error = m.next.kind === 'blocked' && m.next.reason === 'passkey_not_allowed' ? 'login.mfa.passkeyNotAllowed' : 'login.mfa.noWayToProve';
    return render(ctx, 403, { ...common, title: t('login.mfa.title.blocked'), error, abort: `${base}/abort` });
  }
  const method = shownMethod(m, view.method ?? ctx.query.method)!;
  const factor = factorOf(method)!;
  if (m.next.kind === 'enrol') {
    return render(ctx, status, {
      ...common, title: t('login.mfa.title.enrol'), method, enrolling: true, deferrable: m.next.deferrable,
      stepUp: m.account.preferredMfa !== method, ...(await factor.enrolment!.start(m)),
    });
  }
  const locals = await factor.challenge(m);
  return render(ctx, status, {
    ...common, title: t('login.mfa.title.challenge'), method, enrolling: false, ...locals,
    error: view.error ?? locals.error, others: m.next.methods.filter((x) => x !== method),
  });
}

/**
 * The second-factor screens of an interaction: code forms post here, and the passkey page's script
 * fetches WebAuthn options and posts the authenticator's answer as JSON. Every answer is checked
 * against what the login needs now (nextSecondFactorStep), never against what a page once showed.
 */
export function mfaRouter(): Router<UnionState> {
  const router = new Router<UnionState>({ prefix: '/u/:slug/interaction/:uid/mfa' });

  async function load(ctx: UnionContext, csrf: unknown) {
    const interaction = await ctx.state.issuer.provider.interactionDetails(ctx.req, ctx.res);
    ctx.state.localeHints = { uiLocales: interaction.params.ui_locales as string | undefined };
    if (interaction.prompt.name !== MFA_PROMPT || !isValidCsrfToken(ctx.state.csrfSecret, interaction.uid, csrf)) {
      refuse(ctx, 403, 'common.formExpired');
    }
    return { interaction, m: await mfaContext(ctx, interaction) };
  }

  /** Per account and per address, shared by every process; answered with 429 and how long to wait. */
  async function rateLimited(ctx: UnionContext, m: MfaStepContext): Promise<IdpSaid | undefined> {
    const wait = Math.max(
      await takeAttemptOrWait(m.db, `mfa:account:${m.account.id}`, CODE_CHECK_LIMITS.account),
      await takeAttemptOrWait(m.db, `mfa:ip:${m.ip}`, CODE_CHECK_LIMITS.ip),
    );
    if (!wait) return undefined;
    ctx.set('Retry-After', String(wait));
    return { key: 'login.mfa.tooMany', params: { minutes: Math.max(1, Math.ceil(wait / 60)) } };
  }

  const audit = (m: MfaStepContext, action: string, outcome: 'success' | 'failure' | 'denied', detail?: Record<string, unknown>) =>
    recordAudit(m.db, { unionSlug: m.union.slug, actor: `member:${m.account.id}`, action, target: m.account.id, outcome, ip: m.ip, detail });

  /** What became of an answer: the login went on (JSON callers get where to), it is asked again, the account locked, or a page was shown. */
  type Answer = { kind: 'finished'; redirectTo?: string } | { kind: 'retry'; error: IdpSaid; status: number } | { kind: 'locked' } | { kind: 'shown' };

  /** Checks an answer to a challenge: rate limits, the second-factor lockout, then the factor itself. */
  async function answerChallenge(ctx: UnionContext, m: MfaStepContext, factor: SecondFactor, input: FactorInput, json: boolean): Promise<Answer> {
    if (m.next.kind !== 'challenge' || !m.next.methods.includes(factor.method)) return { kind: 'retry', error: 'login.mfa.notAvailable', status: 409 };
    const limited = await rateLimited(ctx, m);
    if (limited) return { kind: 'retry', error: limited, status: 429 };
    let failure: IdpSaid = 'login.mfa.wrongCode';
    let remaining: number | undefined;
    const thresholds = { password: m.union.policy.lockoutThreshold, mfa: m.union.policy.mfaLockoutThreshold };
    const outcome = await checkSecondFactorUnderLockout(m.db, m.lockScope, thresholds, async () => {
      const result = await factor.verify(m, input);
      if (!result.ok) failure = result.error;
      remaining = result.remaining;
      return result.ok;
    }, async () => {
      if (m.lockScope.table === 'accounts') announceLock(m, m.union, m.account.id, { cause: 'second_factor', ip: m.ip, userAgent: m.userAgent, locale: m.locale });
    });
    await audit(m, `login.${factor.method}`, outcome === 'ok' ? 'success' : outcome === 'locked' ? 'denied' : 'failure');
    if (outcome === 'locked') return { kind: 'locked' };
    if (outcome === 'wrong') return { kind: 'retry', error: failure, status: 400 };
    if (factor.method === 'recovery_code') {
      await announceFactorChange(m, m.account, { kind: 'recovery_code_used', method: 'recovery_code', actor: 'member', userAgent: m.userAgent, ip: m.ip, remaining });
      // Tell the member how many codes are left before the relying party takes over.
      const continueTo = await ctx.state.issuer.provider.interactionResult(ctx.req, ctx.res, resultOf(m, { proven: 'recovery_code' }), { mergeWithLastSubmission: true });
      ctx.type = 'html';
      ctx.body = await renderPage(ctx, 'idp/recovery-code-used', { title: textOf(ctx).t('login.recoveryCodeUsed.title'), brand: m.union.name, remaining, continueTo });
      return { kind: 'shown' };
    }
    if (json) return { kind: 'finished', redirectTo: await ctx.state.issuer.provider.interactionResult(ctx.req, ctx.res, resultOf(m, { proven: factor.method }), { mergeWithLastSubmission: true }) };
    await finish(ctx, m, { proven: factor.method });
    return { kind: 'finished' };
  }

  /** Sets up the chosen app or passkey, allowed only after this login proved a factor (nextSecondFactorStep). */
  async function answerEnrolment(ctx: UnionContext, m: MfaStepContext, factor: SecondFactor, input: FactorInput, json: boolean): Promise<Answer> {
    if (m.next.kind !== 'enrol' || m.next.method !== factor.method || !factor.enrolment) return { kind: 'retry', error: 'login.mfa.cannotEnrol', status: 409 };
    const limited = await rateLimited(ctx, m);
    if (limited) return { kind: 'retry', error: limited, status: 429 };
    const result = await factor.enrolment.complete(m, input);
    await audit(m, 'login.factor.added', result.ok ? 'success' : 'failure', { method: factor.method, credentialId: result.ok ? result.credentialId : undefined });
    if (!result.ok) return { kind: 'retry', error: result.error, status: 400 };
    if (m.next.method === 'totp' || m.next.method === 'passkey') {
      if (!m.account.preferredMfa || m.account.preferredMfa === factor.method) await updateAccount(m.db, m.account.id, { preferredMfa: m.next.method });
    }
    await announceFactorChange(m, m.account, { kind: 'added', method: factor.method as 'totp' | 'passkey', label: input.label?.trim(), actor: 'member', userAgent: m.userAgent, ip: m.ip });
    // A registration proves nothing about this login: the acr stays what the proof gave (a step-up asks for an assertion next).
    if (json) return { kind: 'finished', redirectTo: await ctx.state.issuer.provider.interactionResult(ctx.req, ctx.res, resultOf(m, {}), { mergeWithLastSubmission: true }) };
    await finish(ctx, m, {});
    return { kind: 'finished' };
  }

  async function stopped(ctx: UnionContext, m: MfaStepContext, interaction: Interaction) {
    ctx.status = 403;
    ctx.type = 'html';
    ctx.body = await renderPage(ctx, 'idp/stopped', { title: textOf(ctx).t('login.stopped'), brand: m.union.name, message: 'login.error.locked', abort: `/u/${m.union.slug}/interaction/${interaction.uid}/abort` });
  }

  // Code forms: an authenticator app, an e-mail code (with 再送信), a recovery code.
  router.post('/code/:method', async (ctx) => {
    const form = await readForm(ctx);
    const { interaction, m } = await load(ctx, form.csrf);
    const factor = factorOf(ctx.params.method);
    if (!factor || factor.method === 'passkey') return ctx.throw(404);
    if (factor.method === 'email_otp' && form.action === 'resend') {
      const sent = await sendEmailOtp(m, { resend: true });
      return showMfa(ctx, interaction, { method: 'email_otp', ...(sent.ok ? { notice: 'login.mfa.emailOtp.resent' } : { error: sent.error }) });
    }
    const input: FactorInput = { code: (form.code ?? '').slice(0, 32), device: form.device, label: (form.deviceName ?? '').slice(0, 100) };
    const answer = m.next.kind === 'enrol' ? await answerEnrolment(ctx, m, factor, input, false) : await answerChallenge(ctx, m, factor, input, false);
    if (answer.kind === 'locked') return stopped(ctx, m, interaction);
    if (answer.kind === 'retry') return showMfa(ctx, interaction, { method: factor.method, error: answer.error, status: answer.status });
  });

  router.post('/defer', async (ctx) => {
    const form = await readForm(ctx);
    const { interaction, m } = await load(ctx, form.csrf);
    if (m.next.kind !== 'enrol' || !m.next.deferrable) return showMfa(ctx, interaction);
    await audit(m, 'login.factor.deferred', 'success', { method: m.next.method });
    return finish(ctx, m, { deferred: true });
  });

  router.post('/setup-link', async (ctx) => {
    const form = await readForm(ctx);
    const { interaction, m } = await load(ctx, form.csrf);
    if (m.next.kind !== 'mailbox_link') return showMfa(ctx, interaction);
    const sent = await mailSetupLink(m, m.chainId);
    return showMfa(ctx, interaction, sent.ok ? { notice: 'login.mfa.setupLink.resent' } : { error: sent.error });
  });

  router.post('/passkey/options', async (ctx) => {
    const { m } = await load(ctx, ctx.get('x-csrf-token'));
    ctx.set('Cache-Control', 'no-store');
    const enrolling = m.next.kind === 'enrol' && m.next.method === 'passkey';
    const challenging = m.next.kind === 'challenge' && m.next.methods.includes('passkey');
    if (!enrolling && !challenging) {
      ctx.status = 409;
      ctx.body = { error: textOf(ctx).t('login.mfa.notAvailable') };
      return;
    }
    ctx.body = await factorOf('passkey')!.options!(m, enrolling ? 'register' : 'authenticate');
  });

  router.post('/passkey', async (ctx) => {
    const { m } = await load(ctx, ctx.get('x-csrf-token'));
    const body = await readJson(ctx, 64 * 1024) as { label?: string; response?: unknown };
    const factor = factorOf('passkey')!;
    const input: FactorInput = { label: String(body.label ?? '').slice(0, 100), response: body.response };
    const answer = m.next.kind === 'enrol' ? await answerEnrolment(ctx, m, factor, input, true) : await answerChallenge(ctx, m, factor, input, true);
    if (answer.kind === 'locked') ctx.body = { error: textOf(ctx).t('login.error.locked') };
    else if (answer.kind === 'retry') {
      ctx.status = answer.status;
      ctx.body = { error: textOf(ctx).say(answer.error) };
    } else if (answer.kind === 'finished') ctx.body = { redirectTo: answer.redirectTo };
  });

  return router;
}
