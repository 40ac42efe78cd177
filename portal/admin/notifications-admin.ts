import { z } from 'zod';
import type { Database } from '../../migrations/database.js';
import { NOTIFICATION_KINDS } from '../notifications/notification-settings.js';
import { findNotificationSend, listNotificationSends, type NotificationSend } from '../notifications/notification-sends.js';
import type { AdminFeature } from './admin-api.js';
import { notFound, parse } from './api-error.js';

const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  kind: z.enum(NOTIFICATION_KINDS).optional(),
}).strict();

const idParam = z.object({ id: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER) });

const asJson = (send: NotificationSend) => ({
  ...send,
  createdAt: new Date(send.createdAt).toISOString(),
  expandedAt: send.expandedAt === null ? null : new Date(send.expandedAt).toISOString(),
});

/** The notification mails' progress: each send (a batch: one import, notice or MY mail) and its deliveries. */
export function notificationsAdmin(db: Database): AdminFeature {
  const error = { $ref: '#/components/responses/Error' };
  const send = { $ref: '#/components/schemas/NotificationSend' };
  return {
    paths: {
      '/notification-sends': {
        get: {
          summary: 'Recent notification sends, newest first: what caused each and how many of its mails are sent, failed or still pending',
          parameters: [
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
            { name: 'kind', in: 'query', schema: { type: 'string', enum: [...NOTIFICATION_KINDS] } },
          ],
          responses: {
            200: { description: 'sends', content: { 'application/json': { schema: { type: 'object', properties: { sends: { type: 'array', items: send } } } } } },
            400: error, 401: error, 403: error,
          },
        },
      },
      '/notification-sends/{id}': {
        get: {
          summary: 'One notification send\'s progress, with the members whose mail failed for good',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }],
          responses: {
            200: {
              description: 'the send',
              content: { 'application/json': { schema: { allOf: [send, { type: 'object', properties: { failures: { type: 'array', items: { type: 'object', properties: { sub: { type: 'string' }, attempts: { type: 'integer' }, lastError: { type: ['string', 'null'] } } } } } }] } } },
            },
            400: error, 401: error, 403: error, 404: error,
          },
        },
      },
    },
    schemas: {
      NotificationSend: {
        type: 'object',
        required: ['id', 'kind', 'ref', 'createdAt', 'state', 'recipients'],
        properties: {
          id: { type: 'integer' },
          kind: { type: 'string', enum: [...NOTIFICATION_KINDS], description: 'medical (医療費情報の更新), notices (お知らせ), messages (MYメール)' },
          ref: { type: 'string', description: 'what caused it: a claim import, a notice id, a MY mail id' },
          createdAt: { type: 'string', format: 'date-time' },
          expandedAt: { type: ['string', 'null'], format: 'date-time', description: 'when its recipients were chosen (their settings and addresses as they were then)' },
          state: { type: 'string', enum: ['queued', 'sending', 'done'] },
          recipients: {
            type: 'object',
            description: 'mails (one per address), by outcome; pending includes one being sent and ones waiting to be retried',
            properties: { total: { type: 'integer' }, sent: { type: 'integer' }, failed: { type: 'integer' }, pending: { type: 'integer' } },
          },
        },
      },
    },
    routes(api) {
      api.get('/notification-sends', 'admin.notifications.list', async ({ req, union }) => {
        const query = parse(listQuery, req.query, '(query)');
        return { body: { sends: (await listNotificationSends(db, union.slug, query)).map(asJson) } };
      });
      api.get('/notification-sends/:id', 'admin.notifications.read', async ({ req, union, audit }) => {
        const { id } = parse(idParam, req.params, '(query)');
        audit.target = `notification-send:${id}`;
        const found = await findNotificationSend(db, union.slug, id);
        if (!found) throw notFound();
        return { body: asJson(found) };
      });
    },
  };
}
