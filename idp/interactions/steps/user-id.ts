import { updateAccount } from '../../accounts/account-repository.js';
import { USER_ID_FORBIDDEN } from '../../accounts/field-rules.js';
import { changeUserId } from '../../accounts/user-id-change.js';
import { FACTOR_LABELS } from '../../mfa/factors.js';
import type { RequiredStep } from './step.js';

/** 新しいユーザIDと認証方法: the member's own user ID, and the second factor they will use. */
export const userIdStep: RequiredStep = {
  name: 'user_id',
  title: 'login.steps.userId.title',
  isUnmet: async ({ account, union }) => !account.userId || (union.policy.mfa.required && !account.preferredMfa),
  async render({ account, union }, { errors, values }) {
    const methods = union.policy.mfa.allowed.map((m) => ({ value: m, label: FACTOR_LABELS[m], recommended: m === union.policy.mfa.recommended }));
    return {
      view: 'idp/steps/user-id',
      locals: {
        errors, methods, forbidden: USER_ID_FORBIDDEN,
        userId: values?.userId ?? account.userId ?? '',
        method: values?.method ?? account.preferredMfa ?? union.policy.mfa.recommended,
      },
    };
  },
  async submit({ db, union, account }, form) {
    const userId = (form.userId ?? '').trim().slice(0, 300);
    const method = union.policy.mfa.allowed.find((m) => m === form.method);
    const values = { userId, method: form.method ?? '' };
    if (union.policy.mfa.required && !method) return { kind: 'invalid', errors: ['login.steps.userId.chooseMethod'], values };
    if (userId.toLowerCase() !== account.userId) {
      const errors = await changeUserId(db, union.slug, account.id, userId);
      if (errors.length) return { kind: 'invalid', errors, values };
    }
    if (method) await updateAccount(db, account.id, { preferredMfa: method });
    return { kind: 'done' };
  },
};
