import type { IdpSaid } from '../i18n/text.js';
import type { PasswordPolicy } from '../unions/policy.js';

/** Member-facing rules for user IDs, e-mail addresses and passwords (SPEC §4.2); the messages are idp/i18n's `fields.*`. */

/** The characters the 利用不可文字一覧 lists; white space is named in words (`fields.userId.whiteSpace`). */
export const USER_ID_FORBIDDEN = ['<', '>', '&', '"', "'", ' ', '$', '%', '!', '#', '?', '§', ',', ';', ':', '*', '~', '/', '\\', '|', '^', '=', '[', ']', '{', '}', '(', ')', '`'];

/** Returns the problems with a new user ID (empty when it is acceptable). */
export function userIdErrors(userId: string): IdpSaid[] {
  if (userId === '') return ['fields.userId.empty'];
  const errors: IdpSaid[] = [];
  if (userId.length < 3 || userId.length > 255) errors.push('fields.userId.length');
  if (!/^[A-Za-z0-9\-_.@]*$/.test(userId)) errors.push('fields.userId.characters');
  return errors;
}

// Local part: letters, digits and . _ % + - ; no leading, trailing or doubled dot (so no dot right before @).
const LOCAL = /^[A-Za-z0-9_%+-]+(\.[A-Za-z0-9_%+-]+)*$/;
const DOMAIN = /^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

/** Format problems only; whether another account uses the address is the caller's question. */
export function emailFormatErrors(email: string): IdpSaid[] {
  if (email === '') return ['fields.email.empty'];
  const errors: IdpSaid[] = [];
  const at = email.lastIndexOf('@');
  const [local, domain] = [email.slice(0, at), email.slice(at + 1)];
  if (at < 1 || !LOCAL.test(local) || local.length > 64 || !DOMAIN.test(domain)) errors.push('fields.email.invalid');
  if (email.length > 255) errors.push('fields.email.tooLong');
  return errors;
}

const PASSWORD_CHARS = /^[A-Za-z0-9!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]*$/;

export type CharacterKind = 'letter' | 'digit' | 'symbol';

const requiredKinds = (policy: PasswordPolicy): CharacterKind[] =>
  ([['letter', policy.requireLetter], ['digit', policy.requireDigit], ['symbol', policy.requireSymbol]] as const)
    .filter(([, required]) => required).map(([kind]) => kind);

const HAS_KIND: Record<CharacterKind, RegExp> = { letter: /[A-Za-z]/, digit: /[0-9]/, symbol: /[^A-Za-z0-9]/ };

/** The union's password policy in one sentence, for the form. */
export function describePasswordPolicy(policy: PasswordPolicy): IdpSaid {
  return { key: 'fields.password.rule', params: { min: policy.minLength, max: policy.maxLength, kinds: requiredKinds(policy) } };
}

/** Problems with a new password under the union's policy; `userId` may not be reused as the password. */
export function passwordErrors(policy: PasswordPolicy, password: string, confirmation: string, userId: string | null): IdpSaid[] {
  if (password === '') return ['fields.password.empty'];
  const errors: IdpSaid[] = [];
  if (password.length < policy.minLength || password.length > policy.maxLength) {
    errors.push({ key: 'fields.password.length', params: { min: policy.minLength, max: policy.maxLength } });
  }
  if (!PASSWORD_CHARS.test(password)) errors.push('fields.password.characters');
  const missing = requiredKinds(policy).filter((kind) => !HAS_KIND[kind].test(password));
  if (missing.length) errors.push({ key: 'fields.password.missingKinds', params: { kinds: missing } });
  if (userId && password.toLowerCase() === userId.toLowerCase()) errors.push('fields.password.sameAsUserId');
  if (password !== confirmation) errors.push('fields.password.mismatch');
  return errors;
}
