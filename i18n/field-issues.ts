/**
 * How both programs' admin APIs name what is wrong with a field that zod refused and whose schema gave
 * no message of its own: one key per kind of problem, defined in each program's catalogue (`admin.field.*`),
 * with the issue's own values (`maximum`, `values`, `keys`…) as parameters.
 */
export type FieldIssueKey =
  | 'admin.field.required' | 'admin.field.wrongType' | 'admin.field.tooLong' | 'admin.field.tooBig'
  | 'admin.field.tooShort' | 'admin.field.notOneOf' | 'admin.field.unknownKeys' | 'admin.field.invalid';

export function fieldIssueKey(issue: { code?: string; input?: unknown; origin?: string; minimum?: unknown }): FieldIssueKey {
  switch (issue.code) {
    case 'invalid_type': return issue.input === undefined ? 'admin.field.required' : 'admin.field.wrongType';
    case 'too_big': return issue.origin === 'string' ? 'admin.field.tooLong' : 'admin.field.tooBig';
    case 'too_small': return issue.origin === 'string' && Number(issue.minimum) === 1 ? 'admin.field.required' : 'admin.field.tooShort';
    case 'invalid_value': return 'admin.field.notOneOf';
    case 'unrecognized_keys': return 'admin.field.unknownKeys';
    default: return 'admin.field.invalid';
  }
}

/** An issue's list values (`values`, `keys`) as one comma-separated parameter. */
export const issueList = (issue: object, name: 'values' | 'keys'): string | undefined =>
  ((issue as Record<string, unknown>)[name] as unknown[] | undefined)?.join(', ');
