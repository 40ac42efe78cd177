import type { CatalogueOf } from '../../i18n/catalogue.js';
import type { IdpCatalogue } from './ja.js';

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
