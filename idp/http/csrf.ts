import crypto from 'node:crypto';

/**
 * CSRF tokens bound to something only the legitimate browser holds (an interaction id from its
 * cookie, a session id), signed with the first cookie key. Checked on every state-changing form.
 */
export function csrfToken(secret: string, boundTo: string): string {
  return crypto.createHmac('sha256', secret).update(`csrf:${boundTo}`).digest('base64url');
}

export function isValidCsrfToken(secret: string, boundTo: string, token: unknown): boolean {
  if (typeof token !== 'string') return false;
  const expected = Buffer.from(csrfToken(secret, boundTo));
  const actual = Buffer.from(token);
  return actual.length === expected.length && crypto.timingSafeEqual(actual, expected);
}
