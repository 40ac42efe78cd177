import type { z } from 'zod';
import { fieldIssueKey, issueList } from '../../i18n/field-issues.js';
import { fromAcceptLanguage, type Locale } from '../../i18n/locale.js';
import { portalText, type PortalKey, type PortalSaid } from '../i18n/text.js';

/** A field at fault and what is wrong with it (a catalogue message, `admin.field.*` or a feature's own). */
export interface FieldProblem {
  field: string;
  said: PortalSaid;
}

/** A portal admin API error: a stable machine code, a catalogue message, and for bad input the fields at fault. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly said: PortalSaid,
    readonly details?: FieldProblem[],
  ) {
    super(typeof said === 'string' ? said : said.key);
  }

  toJSON(locale: Locale = 'en') {
    const { say } = portalText(locale);
    const details = this.details?.map((d) => ({ field: d.field, message: say(d.said) }));
    return { error: { code: this.code, message: say(this.said), ...(details ? { details } : {}) } };
  }
}

/** English for programs; a client that asks for Japanese (Accept-Language: ja) gets Japanese. */
export const adminLocale = (acceptLanguage: string | undefined): Locale => (fromAcceptLanguage(acceptLanguage) === 'ja' ? 'ja' : 'en');

export const notFound = () => new ApiError(404, 'not_found', 'admin.error.notFound');

/** The catalogue key for a zod issue its schema gave no message for (the compiler checks the portal defines it). */
const issueKey = (issue: Parameters<typeof fieldIssueKey>[0]): PortalKey => fieldIssueKey(issue);

/** Validates input (a body, or `(query)` parameters) against a zod schema; every problem becomes a field of one 400 answer. */
export function parse<T extends z.ZodType>(schema: T, input: unknown, whole: '(body)' | '(query)' = '(body)'): z.output<T> {
  const result = schema.safeParse(input, { error: issueKey });
  if (result.success) return result.data;
  throw new ApiError(400, 'validation_failed', 'admin.error.validation', result.error.issues.map((issue) => ({
    field: issue.path.join('.') || whole,
    said: { key: issue.message as PortalKey, params: { ...issue, values: issueList(issue, 'values'), keys: issueList(issue, 'keys') } } as unknown as PortalSaid,
  })));
}
