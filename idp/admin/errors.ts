import type { z } from 'zod';
import { fieldIssueKey, issueList } from '../../i18n/field-issues.js';
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
    said: { key: issue.message as IdpKey, params: { ...issue, values: issueList(issue, 'values'), keys: issueList(issue, 'keys') } } as unknown as IdpSaid,
  })));
}

/** The catalogue key for a zod issue its schema gave no message for (both programs name them alike). */
export const zodIssueKey = (issue: Parameters<typeof fieldIssueKey>[0]): IdpKey => fieldIssueKey(issue);

const NOT_FOUND = { account: 'admin.error.notFound.account', client: 'admin.error.notFound.client', member: 'admin.error.notFound.member', terms: 'admin.error.notFound.terms' } as const;
export const notFound = (what: keyof typeof NOT_FOUND) => new ApiError(404, 'not_found', NOT_FOUND[what]);
