/**
 * Authentication context classes (the ID token's `acr`), weakest first. A union may require a
 * minimum; the required value and anything stronger is accepted. A value we do not know only
 * satisfies itself.
 */
export const ACR_LEVELS = [
  'urn:kenpo-id:loa:password',
  'urn:kenpo-id:loa:mfa',
  'urn:kenpo-id:loa:phishing-resistant',
] as const;

/** The acr values that satisfy `required`. */
function acceptedAcrValues(required: string): string[] {
  const rank = (ACR_LEVELS as readonly string[]).indexOf(required);
  return rank < 0 ? [required] : ACR_LEVELS.slice(rank);
}

/** Whether a session authenticated at `actual` meets the union's `required` level (none: always). */
export function acrSatisfies(actual: string | undefined, required: string | undefined): boolean {
  if (!required) return true;
  return actual !== undefined && acceptedAcrValues(required).includes(actual);
}
