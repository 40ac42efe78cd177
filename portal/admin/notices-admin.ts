import { z } from 'zod';
import type { Database } from '../../migrations/database.js';
import { thirdThursdayWindow, type MaintenanceWindow } from '../notices/maintenance-window.js';
import {
  countNoticeReads, createNotice, findNotice, listNotices, NOTICE_AUDIENCES, NOTICE_BODY_MAX, NOTICE_KINDS, NOTICE_TITLE_MAX,
  noticeState, updateNotice, withdrawNotice, type Notice, type NoticeFields, type NoticeState,
} from '../notices/notice-repository.js';
import type { AdminCall, AdminFeature } from './admin-api.js';
import { ApiError, notFound, parse, type FieldProblem } from './api-error.js';

const NOTICE_STATES = ['scheduled', 'published', 'expired', 'withdrawn'] as const satisfies readonly NoticeState[];

// Tabs and line breaks are text; other control characters are not (they hide text and confuse mail clients).
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const dateTime = z.iso.datetime({ offset: true, error: 'notices.field.dateTime' });
const title = z.string().trim().min(1).max(NOTICE_TITLE_MAX).refine((s) => !/[\u0000-\u001f\u007f]/.test(s), { error: 'notices.field.singleLine' });
const body = z.string().trim().min(1).max(NOTICE_BODY_MAX).refine((s) => !CONTROL.test(s), { error: 'notices.field.control' });
/** `{ start, end }`, or `{ month: "YYYY-MM" }` for the seed's regular window of that month. */
const windowInput = z.object({
  start: dateTime.optional(),
  end: dateTime.optional(),
  month: z.string().regex(/^20\d\d-(0[1-9]|1[0-2])$/, { error: 'notices.field.month' }).optional(),
}).strict();

const fields = {
  kind: z.enum(NOTICE_KINDS),
  audience: z.enum(NOTICE_AUDIENCES),
  title,
  body,
  publishFrom: dateTime,
  publishTo: dateTime.nullable(),
  window: windowInput.nullable(),
};
const createInput = z.object({
  ...fields,
  kind: fields.kind.optional(),
  audience: fields.audience.optional(),
  publishFrom: fields.publishFrom.optional(),
  publishTo: fields.publishTo.optional(),
  window: fields.window.optional(),
}).strict();
const patchInput = z.object(fields).partial().strict()
  .refine((p) => Object.keys(p).length > 0, { error: 'notices.field.nothingToChange' });
type NoticeInput = z.output<typeof patchInput>;

const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  state: z.enum(NOTICE_STATES).optional(),
}).strict();

const problem = (field: string, key: FieldProblem['said']): FieldProblem => ({ field, said: key });
const invalid = (problems: FieldProblem[]) => new ApiError(400, 'validation_failed', 'admin.error.validation', problems);

function windowOf(input: NonNullable<NoticeInput['window']>, problems: FieldProblem[]): MaintenanceWindow | null {
  const hasRange = input.start !== undefined || input.end !== undefined;
  if (input.month !== undefined && !hasRange) {
    const [year, month] = input.month.split('-').map(Number);
    return thirdThursdayWindow(year, month);
  }
  if (input.month !== undefined || input.start === undefined || input.end === undefined) {
    problems.push(problem('window', 'notices.field.windowShape'));
    return null;
  }
  const window = { start: Date.parse(input.start), end: Date.parse(input.end) };
  if (window.end <= window.start) problems.push(problem('window.end', 'notices.field.windowOrder'));
  return window;
}

/**
 * A notice's fields after a create (over the defaults) or a change (over the notice as it is),
 * checked as a whole: a maintenance notice needs its window, a news item has none, ends come after
 * starts.
 */
function resolveFields(input: NoticeInput, before: NoticeFields): NoticeFields {
  const problems: FieldProblem[] = [];
  const kind = input.kind ?? before.kind;
  let window = before.window;
  if (input.window === null) window = null;
  else if (input.window !== undefined) window = windowOf(input.window, problems);
  if (kind === 'news' && window) {
    // A window the request sets is a mistake for news; one left from when it was maintenance just goes.
    if (input.window) problems.push(problem('window', 'notices.field.windowOnlyMaintenance'));
    window = null;
  }
  if (kind === 'maintenance' && !window && !problems.some((p) => p.field.startsWith('window'))) problems.push(problem('window', 'notices.field.windowRequired'));
  const publishFrom = input.publishFrom !== undefined ? Date.parse(input.publishFrom) : before.publishFrom;
  const publishTo = input.publishTo === undefined ? before.publishTo : input.publishTo === null ? null : Date.parse(input.publishTo);
  if (publishTo !== null && publishTo <= publishFrom) problems.push(problem('publishTo', 'notices.field.publishOrder'));
  if (problems.length) throw invalid(problems);
  return {
    kind, audience: input.audience ?? before.audience, title: input.title ?? before.title, body: input.body ?? before.body,
    publishFrom, publishTo, window,
  };
}

const iso = (at: number | null) => (at === null ? null : new Date(at).toISOString());

/** A notice as the API answers it: times as ISO 8601 (UTC), its state now, and how many members read it. */
function noticeJson(n: Notice & { reads: number }, now: number) {
  return {
    id: n.id, kind: n.kind, audience: n.audience, title: n.title, body: n.body, state: noticeState(n, now),
    publishFrom: iso(n.publishFrom), publishTo: iso(n.publishTo),
    window: n.window ? { start: iso(n.window.start), end: iso(n.window.end) } : null,
    reads: n.reads,
    createdBy: n.createdBy, createdAt: iso(n.createdAt), updatedBy: n.updatedBy, updatedAt: iso(n.updatedAt),
    withdrawnAt: iso(n.withdrawnAt), withdrawnBy: n.withdrawnBy,
  };
}

/** What the audit entry keeps of a notice: when and to whom, never its text. */
const auditDetail = (n: Notice) => ({
  kind: n.kind, audience: n.audience, publishFrom: iso(n.publishFrom), publishTo: iso(n.publishTo),
  window: n.window ? { start: iso(n.window.start), end: iso(n.window.end) } : null,
});

const idOf = (call: AdminCall): number => {
  const raw = call.req.params.id as string;
  call.audit.target = `notice:${raw.slice(0, 20)}`;
  if (!/^[1-9]\d{0,9}$/.test(raw)) throw notFound();
  return Number(raw);
};

const REGULAR_WINDOW = 'The seed\'s regular maintenance is the third Thursday of every month, 19:00–22:00 Japan time (毎月第3木曜日の19時～22時): '
  + 'send `window: { "month": "2025-12" }` for that month\'s regular window, or `window: { "start", "end" }` for any other.';

/** お知らせ: the union publishes news and maintenance notices; members read them on the portal. */
export function noticesAdmin(db: Database): AdminFeature {
  const error = { $ref: '#/components/responses/Error' };
  const notice = { 'application/json': { schema: { $ref: '#/components/schemas/Notice' } } };
  const idParameter = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } };
  const dateTimeSchema = { type: 'string', format: 'date-time', examples: ['2025-12-18T19:00:00+09:00'] };
  const inputProperties = {
    kind: { type: 'string', enum: NOTICE_KINDS, default: 'news', description: '`news` (組合からのお知らせ) or `maintenance` (メンテナンス情報; needs `window`)' },
    audience: { type: 'string', enum: NOTICE_AUDIENCES, default: 'all', description: '`all` (全員), `insured` (被保険者, the card holder: 本人) or `dependants` (被扶養者: 家族)' },
    title: { type: 'string', minLength: 1, maxLength: NOTICE_TITLE_MAX, description: 'one line' },
    body: {
      type: 'string', minLength: 1, maxLength: NOTICE_BODY_MAX,
      description: 'Plain text, never HTML (markup shows as typed). A blank line starts a new paragraph; bare `https://` addresses and site-relative `/paths` become links.',
    },
    publishFrom: { ...dateTimeSchema, description: 'when members start to see it (default: now)' },
    publishTo: { oneOf: [dateTimeSchema, { type: 'null' }], description: 'when it leaves the members\' list (exclusive); none: it stays' },
    window: {
      oneOf: [
        { type: 'object', required: ['start', 'end'], properties: { start: dateTimeSchema, end: dateTimeSchema }, additionalProperties: false },
        { type: 'object', required: ['month'], properties: { month: { type: 'string', pattern: '^20\\d\\d-(0[1-9]|1[0-2])$', examples: ['2025-12'] } }, additionalProperties: false },
        { type: 'null' },
      ],
      description: `The maintenance window (maintenance notices only). ${REGULAR_WINDOW} During the window, and from 24 hours before it, `
        + 'the IdP\'s login page shows a banner for maintenance notices published to `all`.',
    },
  };
  return {
    paths: {
      '/notices': {
        get: {
          summary: 'The union\'s notices in every state (scheduled, published, expired, withdrawn), newest publication first',
          parameters: [
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500, default: 100 } },
            { name: 'state', in: 'query', schema: { type: 'string', enum: NOTICE_STATES } },
          ],
          responses: {
            200: { description: 'notices', content: { 'application/json': { schema: { type: 'object', properties: { notices: { type: 'array', items: { $ref: '#/components/schemas/Notice' } } } } } } },
            400: error, 401: error, 403: error,
          },
        },
        post: {
          summary: 'Publish a notice (お知らせ) to the members',
          description: REGULAR_WINDOW,
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/NoticeInput' } } } },
          responses: { 201: { description: 'the notice', content: notice }, 400: error, 401: error, 403: error, 415: error },
        },
      },
      '/notices/{id}': {
        get: { summary: 'One notice, in whatever state', parameters: [idParameter], responses: { 200: { description: 'the notice', content: notice }, 401: error, 403: error, 404: error } },
        patch: {
          summary: 'Change a notice (not a withdrawn one); `publishTo: null` removes its end',
          parameters: [idParameter],
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/NoticePatch' } } } },
          responses: { 200: { description: 'the notice as changed', content: notice }, 400: error, 401: error, 403: error, 404: error, 409: error, 415: error },
        },
        delete: {
          summary: 'Withdraw a notice: members no longer see it; it stays here (state `withdrawn`) with its reads, for the record',
          parameters: [idParameter],
          responses: { 200: { description: 'the withdrawn notice', content: notice }, 401: error, 403: error, 404: error },
        },
      },
    },
    schemas: {
      NoticeInput: { type: 'object', required: ['title', 'body'], properties: inputProperties, additionalProperties: false },
      NoticePatch: { type: 'object', minProperties: 1, properties: inputProperties, additionalProperties: false },
      Notice: {
        type: 'object',
        properties: {
          id: { type: 'integer' },
          ...inputProperties,
          publishFrom: { type: 'string', format: 'date-time' },
          window: { oneOf: [{ type: 'object', properties: { start: { type: 'string', format: 'date-time' }, end: { type: 'string', format: 'date-time' } } }, { type: 'null' }] },
          state: { type: 'string', enum: NOTICE_STATES },
          reads: { type: 'integer', description: 'members who have opened it' },
          createdBy: { type: 'string', description: 'admin client id' },
          createdAt: { type: 'string', format: 'date-time' },
          updatedBy: { type: 'string' },
          updatedAt: { type: 'string', format: 'date-time' },
          withdrawnAt: { type: ['string', 'null'], format: 'date-time' },
          withdrawnBy: { type: ['string', 'null'] },
        },
      },
    },
    routes(api) {
      api.get('/notices', 'admin.notices.list', async ({ req, union }) => {
        const query = parse(listQuery, req.query, '(query)');
        const now = Date.now();
        const notices = await listNotices(db, union.slug, { ...query, now });
        return { body: { notices: notices.map((n) => noticeJson(n, now)) } };
      });

      api.post('/notices', 'admin.notices.create', async ({ req, union, clientId, audit }) => {
        const input = parse(createInput, req.body);
        const now = Date.now();
        const fieldsOf = resolveFields(input, { kind: 'news', audience: 'all', title: '', body: '', publishFrom: now, publishTo: null, window: null });
        const created = await createNotice(db, union.slug, fieldsOf, clientId, now);
        audit.target = `notice:${created.id}`;
        audit.detail = auditDetail(created);
        return { status: 201, body: noticeJson({ ...created, reads: 0 }, now) };
      });

      api.get('/notices/:id', 'admin.notices.read', async (call) => {
        const found = await findNotice(db, call.union.slug, idOf(call));
        if (!found) throw notFound();
        return { body: noticeJson({ ...found, reads: await countNoticeReads(db, found.id) }, Date.now()) };
      });

      api.patch('/notices/:id', 'admin.notices.update', async (call) => {
        const id = idOf(call);
        const input = parse(patchInput, call.req.body);
        const before = await findNotice(db, call.union.slug, id);
        if (!before) throw notFound();
        if (before.withdrawnAt !== null) throw new ApiError(409, 'withdrawn', 'notices.error.withdrawn');
        const updated = await updateNotice(db, call.union.slug, id, resolveFields(input, before), call.clientId);
        if (!updated) throw new ApiError(409, 'withdrawn', 'notices.error.withdrawn'); // withdrawn meanwhile
        call.audit.detail = { changed: Object.keys(input).sort(), ...auditDetail(updated) };
        return { body: noticeJson({ ...updated, reads: await countNoticeReads(db, id) }, Date.now()) };
      });

      api.delete('/notices/:id', 'admin.notices.withdraw', async (call) => {
        const withdrawn = await withdrawNotice(db, call.union.slug, idOf(call), call.clientId);
        if (!withdrawn) throw notFound();
        call.audit.detail = { withdrawnAt: iso(withdrawn.withdrawnAt), withdrawnBy: withdrawn.withdrawnBy };
        return { body: noticeJson({ ...withdrawn, reads: await countNoticeReads(db, withdrawn.id) }, Date.now()) };
      });
    },
  };
}
