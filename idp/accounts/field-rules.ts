import type { PasswordPolicy } from '../unions/policy.js';

/** Member-facing rules for user IDs, e-mail addresses and passwords (SPEC §4.2), with their exact messages. */

export const USER_ID_FORBIDDEN = ['<', '>', '&', '"', "'", '空白', '$', '%', '!', '#', '?', '§', ',', ';', ':', '*', '~', '/', '\\', '|', '^', '=', '[', ']', '{', '}', '(', ')', '`'];

/** Returns the problems with a new user ID (empty when it is acceptable). */
export function userIdErrors(userId: string): string[] {
  if (userId === '') return ['ユーザIDを入力してください。'];
  const errors: string[] = [];
  if (userId.length < 3 || userId.length > 255) errors.push('ユーザIDは3文字以上255文字以内で入力してください。');
  if (!/^[A-Za-z0-9\-_.@]*$/.test(userId)) {
    errors.push('ユーザIDに使用できない文字が含まれています。半角英数字と「- _ . @」が使用できます。');
  }
  return errors;
}

export const EMAIL_MESSAGES = {
  empty: 'メールアドレスを入力してください。',
  taken: '他のアカウントで設定されているメールアドレスです。別のメールアドレスを入力してください。',
  invalid: '無効なメールアドレスです。入力したメールアドレスに誤りがないかご確認ください。',
  tooLong: '設定可能なメールアドレスの最大文字数は255文字です。',
} as const;

// Local part: letters, digits and . _ % + - ; no leading, trailing or doubled dot (so no dot right before @).
const LOCAL = /^[A-Za-z0-9_%+-]+(\.[A-Za-z0-9_%+-]+)*$/;
const DOMAIN = /^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

/** Format problems only; whether another account uses the address is the caller's question. */
export function emailFormatErrors(email: string): string[] {
  if (email === '') return [EMAIL_MESSAGES.empty];
  const errors: string[] = [];
  const at = email.lastIndexOf('@');
  const [local, domain] = [email.slice(0, at), email.slice(at + 1)];
  if (at < 1 || !LOCAL.test(local) || local.length > 64 || !DOMAIN.test(domain)) errors.push(EMAIL_MESSAGES.invalid);
  if (email.length > 255) errors.push(EMAIL_MESSAGES.tooLong);
  return errors;
}

const PASSWORD_CHARS = /^[A-Za-z0-9!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]*$/;

/** Describes the union's password policy in one sentence, for the form. */
export function describePasswordPolicy(policy: PasswordPolicy): string {
  const kinds = [policy.requireLetter && '英字', policy.requireDigit && '数字', policy.requireSymbol && '記号'].filter(Boolean);
  return `${policy.minLength}文字以上${policy.maxLength}文字以内の半角英数字・記号${kinds.length ? `（${kinds.join('・')}をそれぞれ1文字以上含む）` : ''}`;
}

/** Problems with a new password under the union's policy; `userId` may not be reused as the password. */
export function passwordErrors(policy: PasswordPolicy, password: string, confirmation: string, userId: string | null): string[] {
  if (password === '') return ['パスワードを入力してください。'];
  const errors: string[] = [];
  if (password.length < policy.minLength || password.length > policy.maxLength) {
    errors.push(`パスワードは${policy.minLength}文字以上${policy.maxLength}文字以内で入力してください。`);
  }
  if (!PASSWORD_CHARS.test(password)) errors.push('パスワードに使用できない文字が含まれています。半角英数字と記号が使用できます。');
  const missing = [
    policy.requireLetter && !/[A-Za-z]/.test(password) && '英字',
    policy.requireDigit && !/[0-9]/.test(password) && '数字',
    policy.requireSymbol && !/[^A-Za-z0-9]/.test(password) && '記号',
  ].filter(Boolean);
  if (missing.length) errors.push(`パスワードには${missing.join('・')}を1文字以上含めてください。`);
  if (userId && password.toLowerCase() === userId.toLowerCase()) errors.push('ユーザIDと同じパスワードは設定できません。');
  if (password !== confirmation) errors.push('確認用のパスワードが一致しません。');
  return errors;
}
