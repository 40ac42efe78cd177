import type { z } from 'zod';
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

const listOf = (issue: object, name: 'values' | 'keys') => ((issue as Record<string, unknown>)[name] as unknown[] | undefined)?.join(', ');

/** The catalogue key for a zod issue its schema gave no message for. */
function zodIssueKey(issue: { code?: string; input?: unknown; origin?: string; minimum?: unknown }): PortalKey {
  switch (issue.code) {
    case 'invalid_type': return issue.input === undefined ? 'admin.field.required' : 'admin.field.wrongType';
    case 'too_big': return issue.origin === 'string' ? 'admin.field.tooLong' : 'admin.field.tooBig';
    case 'too_small': return issue.origin === 'string' && Number(issue.minimum) === 1 ? 'admin.field.required' : 'admin.field.tooShort';
    case 'invalid_value': return 'admin.field.notOneOf';
    case 'unrecognized_keys': return 'admin.field.unknownKeys';
    default: return 'admin.field.invalid';
  }
}

/** Validates input (a body, or `(query)` parameters) against a zod schema; every problem becomes a field of one 400 answer. */
export function parse<T extends z.ZodType>(schema: T, input: unknown, whole: '(body)' | '(query)' = '(body)'): z.output<T> {
  const result = schema.safeParse(input, { error: zodIssueKey });
  if (result.success) return result.data;
  throw new ApiError(400, 'validation_failed', 'admin.error.validation', result.error.issues.map((issue) => ({
    field: issue.path.join('.') || whole,
    said: { key: issue.message as PortalKey, params: { ...issue, values: listOf(issue, 'values'), keys: listOf(issue, 'keys') } } as unknown as PortalSaid,
  })));
}
