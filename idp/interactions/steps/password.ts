import { describePasswordPolicy } from '../../accounts/field-rules.js';
import { newPasswordErrors, storeNewPassword } from '../../accounts/password-change.js';
import { hashPassword } from '../../accounts/password-hasher.js';
import type { RequiredStep } from './step.js';

/** 新しいパスワード: replaces the temporary (or migrated initial) password under the union's policy. */
export const passwordStep: RequiredStep = {
  name: 'password',
  title: 'login.steps.password.title',
  isUnmet: async ({ account }) => !account.hasPassword || account.mustChangePassword,
  render: async ({ union }, { errors }) => ({
    view: 'idp/steps/password',
    locals: { errors, rule: describePasswordPolicy(union.policy.password), maxLength: union.policy.password.maxLength },
  }),
  async submit({ db, union, account }, form) {
    const errors = await newPasswordErrors(db, union, account, { password: form.password ?? '', confirmation: form.confirmation ?? '' });
    if (errors.length) return { kind: 'invalid', errors };
    await storeNewPassword(db, account.id, await hashPassword(form.password ?? ''));
    return { kind: 'done' };
  },
};
