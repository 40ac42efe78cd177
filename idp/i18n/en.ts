import type { CatalogueOf } from '../../i18n/catalogue.js';
import type { CharacterKind } from '../accounts/field-rules.js';
import type { IdpCatalogue } from './ja.js';

const enKinds = (kinds: CharacterKind[]) => {
  const words = kinds.map((k) => ({ letter: 'letter', digit: 'digit', symbol: 'symbol' })[k]);
  return words.length > 1 ? `${words.slice(0, -1).join(', ')} and one ${words[words.length - 1]}` : words.join('');
};

/**
 * The IdP's English, for members of a Japanese health insurance union who read English: the
 * union's own terms are kept where members meet them on their insurance card (保険者番号 as
 * "insurer number (保険者番号)" the first time it appears on a page).
 */
export const en: CatalogueOf<IdpCatalogue> = {
  // ── common ──
  'common.languageSwitch': 'Language',
  'common.errorTitle': 'Error',
  'common.errorHeading': 'Something went wrong',
  'common.errorCode': (p) => `Error code: ${p.code}`,
  'common.notFound': 'Page not found. Please check the URL.',
  'common.serverError': 'A server error occurred. Please try again in a little while.',
  'common.badRequest': 'The request could not be processed. Please try again.',
  'common.formExpired': 'This form has expired. Please try again.',
  'common.formExpiredOpenLink': 'This form has expired. Please open the link again.',
  'common.formExpiredOpenMailLink': 'This form has expired. Please open the link in the e-mail again.',
  'common.loginExpired': 'Your login has expired. Please log in again.',
  'common.backToPortal': 'Back to the portal',

  // ── fields ──
  'fields.userId.empty': 'Please enter a user ID.',
  'fields.userId.length': 'A user ID must be 3 to 255 characters long.',
  'fields.userId.characters': 'The user ID contains characters that cannot be used. Use half-width letters, digits and "- _ . @".',
  'fields.userId.taken': 'This user ID is already in use. Please choose another one.',
  'fields.userId.whiteSpace': 'spaces',
  'fields.email.empty': 'Please enter an e-mail address.',
  'fields.email.taken': 'This e-mail address is used by another account. Please enter a different address.',
  'fields.email.invalid': 'This e-mail address is not valid. Please check it for mistakes.',
  'fields.email.tooLong': 'An e-mail address can be at most 255 characters long.',
  'fields.email.current': 'This is your current e-mail address.',
  'fields.password.rule': (p) =>
    `${p.min} to ${p.max} half-width letters, digits and symbols${p.kinds.length ? ` (at least one ${enKinds(p.kinds)})` : ''}`,
  'fields.password.empty': 'Please enter a password.',
  'fields.password.length': (p) => `A password must be ${p.min} to ${p.max} characters long.`,
  'fields.password.characters': 'The password contains characters that cannot be used. Use half-width letters, digits and symbols.',
  'fields.password.missingKinds': (p) => `The password must contain at least one ${enKinds(p.kinds)}.`,
  'fields.password.sameAsUserId': 'The password cannot be the same as your user ID.',
  'fields.password.mismatch': 'The two passwords do not match.',
  'fields.password.sameAsCurrent': 'The new password must differ from your current password.',
  'fields.password.sameAsTemporary': 'The new password must differ from your temporary password.',
  'fields.password.common': 'This password is too common. Please choose one that is hard to guess.',
  'fields.password.contextWord': 'The password cannot contain information that is easy to guess, such as your user ID, date of birth or the symbol and number of your insurance card.',
  'fields.device.unknownBrowser': 'Unknown browser',
  'fields.device.browserOn': (p) => `${p.browser ?? 'Unknown browser'} (${p.system})`,

  // ── login ──
  'login.title': 'Log in',
  'login.reauth': 'Please sign in again to continue',
  'login.userId': 'User ID',
  'login.password': 'Password',
  'login.remember': 'Keep me logged in',
  'login.submit': 'Log in',
  'login.forgotPassword': 'Forgot your password?',
  'login.forgotUserId': 'Forgot your user ID?',
  'login.error.throttled': (p) => `Too many login attempts. Please wait a while (about ${p.minutes} min) and try again.`,
  'login.error.missing': 'Please enter your user ID and password.',
  'login.error.invalid': 'Invalid user ID or password.',
  'login.error.locked': 'Your account is locked. Please contact your health insurance union (its administrator).',
  'login.error.temporary_expired': 'Your temporary password has expired. Please ask your health insurance union to reissue your temporary user ID and password.',
  'login.error.no_mailbox': 'No verified e-mail address is registered, so you cannot log in with the initial password. Please ask your health insurance union to issue a temporary user ID and password (postcard).',

  // ── console ──
  'console.factorNotFound': 'This login method was not found.',

  // ── recovery ──

  // ── mail ──

  // ── admin ──
};
