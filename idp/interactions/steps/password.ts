import { passwordHashOf, updateAccount } from '../../accounts/account-repository.js';
import { describePasswordPolicy, passwordErrors } from '../../accounts/field-rules.js';
import { hashPassword, verifyPassword } from '../../accounts/password-hasher.js';
import { latestTemporaryPasswordHash } from '../../accounts/temporary-credentials.js';
import type { RequiredStep } from './step.js';

/** 新しいパスワード: replaces the temporary (or migrated initial) password under the union's policy. */
export const passwordStep: RequiredStep = {
  name: 'password',
  title: '新しいパスワードの設定',
  isUnmet: async ({ account }) => !account.hasPassword || account.mustChangePassword,
  render: async ({ union }, { errors }) => ({
    view: 'idp/steps/password',
    locals: { errors, rule: describePasswordPolicy(union.policy.password), maxLength: union.policy.password.maxLength },
  }),
  async submit({ db, union, account }, form) {
    const password = form.password ?? '';
    const errors = passwordErrors(union.policy.password, password, form.confirmation ?? '', account.userId);
    if (errors.length === 0) {
      const previous = [await passwordHashOf(db, account.id), await latestTemporaryPasswordHash(db, account.id)];
      for (const hash of previous) {
        if (hash && await verifyPassword(password, hash)) {
          errors.push('仮パスワード（現在のパスワード）と同じパスワードは設定できません。');
          break;
        }
      }
    }
    if (errors.length) return { kind: 'invalid', errors };
    await updateAccount(db, account.id, { passwordHash: await hashPassword(password), mustChangePassword: false });
    return { kind: 'done' };
  },
};
