import { updateAccount } from '../../accounts/account-repository.js';
import { accountScope, checkUnderLockout } from '../../accounts/lockout.js';
import { recordAudit } from '../../../audit/audit-log.js';
import type { RequiredStep } from './step.js';

/** 生年月日の確認: proves the postcard reached the right person. Wrong dates count toward the lockout. */
export const birthdateStep: RequiredStep = {
  name: 'birthdate',
  title: 'login.steps.birthdate.title',
  isUnmet: async ({ account }) => !account.birthdateVerified,
  render: async (_ctx, { errors, values }) => ({ view: 'idp/steps/birthdate', locals: { errors, values } }),
  async submit(ctx, form) {
    const value = (form.birthdate ?? '').normalize('NFKC').trim();
    if (!/^\d{8}$/.test(value)) {
      return { kind: 'invalid', errors: ['login.steps.birthdate.format'], values: { birthdate: value } };
    }
    const result = await checkUnderLockout(ctx.db, accountScope(ctx.account.id), ctx.union.policy.lockoutThreshold,
      async () => value === ctx.member.birthdate.replaceAll('-', ''));
    await recordAudit(ctx.db, {
      unionSlug: ctx.union.slug, actor: `member:${ctx.account.id}`, action: 'first_login.birthdate', target: ctx.account.id,
      outcome: result === 'ok' ? 'success' : result === 'locked' ? 'denied' : 'failure', ip: ctx.ip,
    });
    if (result === 'locked') return { kind: 'stop', message: 'login.error.locked' };
    if (result === 'wrong') return { kind: 'invalid', errors: ['login.steps.birthdate.wrong'], values: { birthdate: value } };
    await updateAccount(ctx.db, ctx.account.id, { birthdateVerified: true });
    return { kind: 'done' };
  },
};
