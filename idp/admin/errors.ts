import type { z } from 'zod';
import { fromAcceptLanguage, type Locale } from '../../i18n/locale.js';
import { idpText, type IdpKey, type IdpSaid } from '../i18n/text.js';

/** A field at fault and what is wrong with it (a catalogue message, `admin.field.*`). */
export interface FieldProblem {
  field: string;
  said: IdpSaid;
}

/** An admin API error: a stable machine code, a catalogue message, and for bad input the fields at fault. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly said: IdpSaid,
    readonly details?: FieldProblem[],
  ) {
    super(typeof said === 'string' ? said : said.key);
  }

  /** The response body, its messages in `locale`. */
  toJSON(locale: Locale = 'en') {
    const { say } = idpText(locale);
    const details = this.details?.map((d) => ({ field: d.field, message: say(d.said) }));
    return { error: { code: this.code, message: say(this.said), ...(details ? { details } : {}) } };
  }
}

/**
 * The admin API speaks English to programs; a client that asks for Japanese (Accept-Language: ja)
 * gets its messages in Japanese. The codes and field names are the same in both.
 */
export const adminLocale = (acceptLanguage: string | undefined): Locale => (fromAcceptLanguage(acceptLanguage) === 'ja' ? 'ja' : 'en');

export const invalidFields = (details: FieldProblem[]) => new ApiError(400, 'validation_failed', 'admin.error.validation', details);

/** zod's problems: each message is a catalogue key (the schemas' own, or parse()'s per issue code), its values from the issue. */
export function validationError(error: z.ZodError): ApiError {
  return invalidFields(error.issues.map((issue) => ({
    field: issue.path.join('.') || '(body)',
    said: { key: issue.message as IdpKey, params: { ...issue, values: listOf(issue, 'values'), keys: listOf(issue, 'keys') } } as unknown as IdpSaid,
  })));
}

const listOf = (issue: object, name: 'values' | 'keys') => ((issue as Record<string, unknown>)[name] as unknown[] | undefined)?.join(', ');

/** The catalogue key for a zod issue its schema gave no message for. */
export function zodIssueKey(issue: { code?: string; input?: unknown; origin?: string; minimum?: unknown }): IdpKey {
  switch (issue.code) {
    case 'invalid_type': return issue.input === undefined ? 'admin.field.required' : 'admin.field.wrongType';
    case 'too_big': return issue.origin === 'string' ? 'admin.field.tooLong' : 'admin.field.tooBig';
    case 'too_small': return issue.origin === 'string' && Number(issue.minimum) === 1 ? 'admin.field.required' : 'admin.field.tooShort';
    case 'invalid_value': return 'admin.field.notOneOf';
    case 'unrecognized_keys': return 'admin.field.unknownKeys';
    default: return 'admin.field.invalid';
  }
}

const NOT_FOUND = { account: 'admin.error.notFound.account', client: 'admin.error.notFound.client', member: 'admin.error.notFound.member', terms: 'admin.error.notFound.terms' } as const;
export const notFound = (what: keyof typeof NOT_FOUND) => new ApiError(404, 'not_found', NOT_FOUND[what]);
