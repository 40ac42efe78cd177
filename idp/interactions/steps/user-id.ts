import { isLoginIdTaken, updateAccount } from '../../accounts/account-repository.js';
import { USER_ID_FORBIDDEN, userIdErrors } from '../../accounts/field-rules.js';
import type { MfaMethod } from '../../unions/policy.js';
import type { RequiredStep } from './step.js';

export const MFA_LABELS: Record<MfaMethod, string> = {
  passkey: '生体認証（パスキー）',
  totp: 'OTPアプリ認証（認証アプリ）',
  email_otp: 'OTPメール認証',
};

const TAKEN = 'このユーザIDは既に使用されています。別のユーザIDを入力してください。';

/** 新しいユーザIDと認証方法: the member's own user ID, and the second factor they will use. */
export const userIdStep: RequiredStep = {
  name: 'user_id',
  title: 'ユーザIDと認証方法の設定',
  isUnmet: async ({ account, union }) => !account.userId || (union.policy.mfa.required && !account.preferredMfa),
  async render({ account, union }, { errors, values }) {
    const methods = union.policy.mfa.allowed.map((m) => ({ value: m, label: MFA_LABELS[m], recommended: m === union.policy.mfa.recommended }));
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
    const userId = (form.userId ?? '').trim();
    const errors = userIdErrors(userId);
    if (errors.length === 0 && await isLoginIdTaken(db, union.slug, userId, account.id)) errors.push(TAKEN);
    const allowed = union.policy.mfa.allowed;
    const method = allowed.find((m) => m === form.method);
    if (union.policy.mfa.required && !method) errors.push('認証方法を選択してください。');
    if (errors.length) return { kind: 'invalid', errors, values: { userId, method: form.method ?? '' } };
    try {
      await updateAccount(db, account.id, { userId, ...(method ? { preferredMfa: method } : {}) });
    } catch {
      // Another account took the ID between the check and the write (unique index).
      return { kind: 'invalid', errors: [TAKEN], values: { userId, method: form.method ?? '' } };
    }
    return { kind: 'done' };
  },
};
