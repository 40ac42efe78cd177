import type { IdpText } from '../i18n/text.js';
import type { MfaMethod } from '../unions/policy.js';

/** The second factors by the names the console gives them, in the reader's language. */
export const methodLabels = (text: Pick<IdpText, 't'>): Record<MfaMethod, string> => ({
  passkey: text.t('console.method.passkey'), totp: text.t('console.method.totp'), email_otp: text.t('console.method.email_otp'),
});
