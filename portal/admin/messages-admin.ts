import { z } from 'zod';
import type { Database } from '../../migrations/database.js';
import { findPortalMembersByCard } from '../members/portal-members.js';
import {
  addUnionReply, createMessage, findMessage, listMemberReplies, listMessages,
  type MemberReply, type MessageSummary, type Message, type ThreadEntry,
} from '../messages/message-repository.js';
import { MESSAGE_BODY_MAX, MESSAGE_SUBJECT_MAX, normalizeNewlines, UNION_REPLY_MAX } from '../messages/message-text.js';
import type { AdminFeature } from './admin-api.js';
import { notFound, parse } from './api-error.js';

// Line breaks and tabs are text; any other control character (NUL, escape sequences) is refused.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;

/** A text field: CRLF read as LF, trimmed, required, at most `max` characters, no control characters. */
const textField = (max: number, options: { singleLine?: boolean } = {}) => z.string().transform(normalizeNewlines).pipe(
  z.string().trim().min(1).max(max)
    .refine((s) => !CONTROL.test(s), { message: 'mymail.field.controlCharacters' })
    .refine((s) => !options.singleLine || !s.includes('\n'), { message: 'mymail.field.singleLine' }),
);

const card = {
  kigo: z.string().trim().min(1).max(32),
  bango: z.string().trim().min(1).max(32),
  edaban: z.string().regex(/^\d{2}$/, { message: 'mymail.field.edaban' }),
};

const newMessage = z.object({
  ...card,
  subject: textField(MESSAGE_SUBJECT_MAX, { singleLine: true }),
  body: textField(MESSAGE_BODY_MAX),
  replyRequested: z.boolean().default(false),
}).strict();

const messageQuery = z.object({
  kigo: card.kigo.optional(),
  bango: card.bango.optional(),
  edaban: card.edaban.optional(),
  awaiting: z.enum(['union', 'member']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
}).strict();

const unionReply = z.object({ text: textField(UNION_REPLY_MAX) }).strict();

const replyQuery = z.object({
  unanswered: z.enum(['true', 'false']).default('false'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
}).strict();

const idParam = (value: unknown) => (typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : undefined);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const cardTarget = (c: { kigo: string; bango: string; edaban: string }) => `${c.kigo}:${c.bango}:${c.edaban}`;

const summaryJson = (m: MessageSummary) => ({
  id: m.id, kigo: m.card.kigo, bango: m.card.bango, edaban: m.card.edaban, subject: m.subject, replyRequested: m.replyRequested,
  createdBy: m.createdBy, createdAt: iso(m.createdAt), unread: m.unread, readAt: iso(m.readAt),
  lastEntryBy: m.lastEntryBy, lastEntryAt: iso(m.lastEntryAt), awaiting: m.awaiting,
});
const entryJson = (e: ThreadEntry) => ({
  id: e.id, author: e.author, authorId: e.authorId, text: e.text, createdAt: iso(e.createdAt),
  ...(e.author === 'member' ? { answeredAt: iso(e.answeredAt) } : {}),
});
const messageJson = (m: Message) => ({ ...summaryJson(m), body: m.body, entries: m.entries.map(entryJson) });
const replyJson = (r: MemberReply) => ({ ...entryJson(r), messageId: r.messageId, subject: r.subject, ...r.card });

/** OpenAPI description of the feature (schemas under components). */
function openApi() {
  const error = { $ref: '#/components/responses/Error' };
  const json = (ref: string) => ({ content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } } });
  const idParameter = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } };
  const limit = { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } };
  const cardProperties = {
    kigo: { type: 'string', minLength: 1, maxLength: 32, description: '記号 of the insurance card' },
    bango: { type: 'string', minLength: 1, maxLength: 32, description: '番号 of the insurance card' },
    edaban: { type: 'string', pattern: '^\\d{2}$', description: '枝番: the one person of the household (00 本人, 01… 家族)' },
  };
  const time = { type: 'string', format: 'date-time' };
  const text = (max: number, what: string) => ({ type: 'string', minLength: 1, maxLength: max, description: what });
  const plain = 'Plain text, never HTML: blank lines make paragraphs, bare https:// links become links.';
  return {
    paths: {
      '/messages': {
        post: {
          summary: 'Send a MY mail to one person, by insurance card (they read it once they log in to the portal with that card)',
          requestBody: { required: true, ...json('NewMessage') },
          responses: { 201: { description: 'stored', ...json('MessageCreated') }, 400: error, 401: error, 403: error, 415: error },
        },
        get: {
          summary: 'List MY mails, newest first, with their state',
          parameters: [
            ...['kigo', 'bango', 'edaban'].map((name) => ({ name, in: 'query', schema: (cardProperties as Record<string, object>)[name] })),
            { name: 'awaiting', in: 'query', description: '`union`: the member replied and the union has not answered; `member`: a 要返信 message the member has not replied to since the union last wrote', schema: { type: 'string', enum: ['union', 'member'] } },
            limit,
          ],
          responses: { 200: { description: 'messages', ...json('MessageList') }, 400: error, 401: error, 403: error },
        },
      },
      '/messages/{id}': {
        get: {
          summary: 'A MY mail with its thread',
          parameters: [idParameter],
          responses: { 200: { description: 'the message', ...json('Message') }, 401: error, 403: error, 404: error },
        },
      },
      '/messages/{id}/replies': {
        post: {
          summary: 'The union answers the thread: the member\'s replies so far count as answered, and the message is unread for the member again',
          parameters: [idParameter],
          requestBody: { required: true, ...json('UnionReply') },
          responses: { 201: { description: 'the answer', ...json('ThreadEntry') }, 400: error, 401: error, 403: error, 404: error, 415: error },
        },
      },
      '/replies': {
        get: {
          summary: 'Members\' replies, oldest first; `unanswered=true` for those the union has not answered yet',
          parameters: [{ name: 'unanswered', in: 'query', schema: { type: 'string', enum: ['true', 'false'], default: 'false' } }, limit],
          responses: { 200: { description: 'replies', ...json('MemberReplyList') }, 400: error, 401: error, 403: error },
        },
      },
    },
    schemas: {
      NewMessage: {
        type: 'object', required: ['kigo', 'bango', 'edaban', 'subject', 'body'], additionalProperties: false,
        properties: {
          ...cardProperties,
          subject: text(MESSAGE_SUBJECT_MAX, 'one line'),
          body: text(MESSAGE_BODY_MAX, plain),
          replyRequested: { type: 'boolean', default: false, description: '要返信: the member is asked to reply' },
        },
      },
      MessageCreated: {
        type: 'object',
        properties: {
          id: { type: 'integer' },
          recipientsLoggedIn: { type: 'integer', description: 'how many portal members have logged in with this card so far (0: the message waits for their first login)' },
          message: { $ref: '#/components/schemas/MessageSummary' },
        },
      },
      MessageSummary: {
        type: 'object',
        properties: {
          id: { type: 'integer' }, ...cardProperties, subject: { type: 'string' }, replyRequested: { type: 'boolean' },
          createdBy: { type: 'string', description: 'the admin client that sent it' }, createdAt: time,
          unread: { type: 'boolean', description: 'not opened by the member since it arrived or since the union\'s last answer' },
          readAt: { ...time, type: ['string', 'null'], description: 'when the member last opened it' },
          lastEntryBy: { type: 'string', enum: ['union', 'member'] }, lastEntryAt: time,
          awaiting: { type: ['string', 'null'], enum: ['union', 'member', null] },
        },
      },
      Message: {
        allOf: [{ $ref: '#/components/schemas/MessageSummary' }, {
          type: 'object',
          properties: { body: { type: 'string' }, entries: { type: 'array', items: { $ref: '#/components/schemas/ThreadEntry' } } },
        }],
      },
      MessageList: { type: 'object', properties: { messages: { type: 'array', items: { $ref: '#/components/schemas/MessageSummary' } } } },
      ThreadEntry: {
        type: 'object',
        properties: {
          id: { type: 'integer' }, author: { type: 'string', enum: ['union', 'member'] },
          authorId: { type: 'string', description: 'the admin client id, or the member\'s subject' },
          text: { type: 'string' }, createdAt: time,
          answeredAt: { ...time, type: ['string', 'null'], description: 'member replies only: when the union answered after it' },
        },
      },
      UnionReply: { type: 'object', required: ['text'], additionalProperties: false, properties: { text: text(UNION_REPLY_MAX, plain) } },
      MemberReplyList: {
        type: 'object',
        properties: {
          replies: {
            type: 'array',
            items: { allOf: [{ $ref: '#/components/schemas/ThreadEntry' }, {
              type: 'object', properties: { messageId: { type: 'integer' }, subject: { type: 'string' }, ...cardProperties },
            }] },
          },
        },
      },
    },
  };
}

/** MYメール for the union: send to a card, follow each thread, answer members' replies. */
export function messagesAdmin(db: Database): AdminFeature {
  return {
    ...openApi(),
    routes(api) {
      api.post('/messages', 'admin.messages.send', async ({ req, union, clientId, audit }) => {
        const input = parse(newMessage, req.body);
        const recipient = { kigo: input.kigo, bango: input.bango, edaban: input.edaban };
        audit.target = cardTarget(recipient);
        const created = await createMessage(db, {
          unionSlug: union.slug, card: recipient, subject: input.subject, body: input.body, replyRequested: input.replyRequested, createdBy: clientId,
        });
        const recipients = await findPortalMembersByCard(db, union.slug, recipient);
        audit.detail = { message: created.id, replyRequested: created.replyRequested };
        return { status: 201, body: { id: created.id, recipientsLoggedIn: recipients.length, message: summaryJson(created) } };
      });

      api.get('/messages', 'admin.messages.list', async ({ req, union, audit }) => {
        const query = parse(messageQuery, req.query, '(query)');
        if (query.kigo && query.bango && query.edaban) audit.target = cardTarget(query as { kigo: string; bango: string; edaban: string });
        const messages = await listMessages(db, union.slug, query);
        audit.detail = { count: messages.length, ...(query.awaiting ? { awaiting: query.awaiting } : {}) };
        return { body: { messages: messages.map(summaryJson) } };
      });

      api.get('/messages/:id', 'admin.messages.read', async ({ req, union, audit }) => {
        const id = idParam(req.params.id);
        const message = id === undefined ? undefined : await findMessage(db, union.slug, id);
        if (!message) throw notFound();
        audit.target = cardTarget(message.card);
        audit.detail = { message: message.id };
        return { body: messageJson(message) };
      });

      api.post('/messages/:id/replies', 'admin.messages.reply', async ({ req, union, clientId, audit }) => {
        const id = idParam(req.params.id);
        const message = id === undefined ? undefined : await findMessage(db, union.slug, id);
        if (!message) throw notFound();
        const { text } = parse(unionReply, req.body);
        audit.target = cardTarget(message.card);
        const entry = await addUnionReply(db, { unionSlug: union.slug, id: message.id, clientId, text });
        if (!entry) throw notFound();
        audit.detail = { message: message.id, entry: entry.id };
        return { status: 201, body: entryJson(entry) };
      });

      api.get('/replies', 'admin.messages.replies', async ({ req, union, audit }) => {
        const query = parse(replyQuery, req.query, '(query)');
        const replies = await listMemberReplies(db, union.slug, { unanswered: query.unanswered === 'true', limit: query.limit });
        audit.detail = { count: replies.length, unanswered: query.unanswered === 'true' };
        return { body: { replies: replies.map(replyJson) } };
      });
    },
  };
}
