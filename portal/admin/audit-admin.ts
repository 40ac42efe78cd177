import { z } from 'zod';
import { listAudit } from '../../audit/audit-log.js';
import type { Database } from '../../migrations/database.js';
import { findPortalMembersByCard } from '../members/portal-members.js';
import type { AdminFeature } from './admin-api.js';
import { parse } from './api-error.js';

const auditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  target: z.string().max(255).optional(),
}).strict();

const cardQuery = z.object({
  kigo: z.string().min(1).max(32),
  bango: z.string().min(1).max(32),
  edaban: z.string().regex(/^\d{2}$/).optional(),
}).strict();

/** The portal's audit log (medical reads, admin calls) and the members who have logged in, read-only. */
export function auditAdmin(db: Database): AdminFeature {
  const error = { $ref: '#/components/responses/Error' };
  return {
    paths: {
      '/audit': {
        get: {
          summary: 'Read the portal\'s audit log of this union, newest first (medical reads and refusals, admin calls)',
          parameters: [
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
            { name: 'target', in: 'query', description: 'only entries about this target (a household `insurer:記号:番号`, a notice id…)', schema: { type: 'string' } },
          ],
          responses: { 200: { description: 'entries' }, 400: error, 401: error, 403: error },
        },
      },
      '/members': {
        get: {
          summary: 'The portal\'s members with this insurance card (those who have logged in to the portal at least once)',
          parameters: ['kigo', 'bango', 'edaban'].map((name) => ({ name, in: 'query', required: name !== 'edaban', schema: { type: 'string' } })),
          responses: { 200: { description: 'members' }, 400: error, 401: error, 403: error },
        },
      },
    },
    routes(api) {
      api.get('/audit', 'admin.audit.read', async ({ req, union }) => {
        const query = parse(auditQuery, req.query, '(query)');
        return { body: { entries: await listAudit(db, union.slug, query) } };
      });
      api.get('/members', 'admin.members.read', async ({ req, union, audit }) => {
        const card = parse(cardQuery, req.query, '(query)');
        audit.target = `${card.kigo}:${card.bango}${card.edaban ? `:${card.edaban}` : ''}`;
        const members = await findPortalMembersByCard(db, union.slug, card);
        return { body: { members: members.map(({ sub, name, email, locale, household, lastLoginAt }) => ({
          sub, name, email, locale, edaban: household?.edaban, relation: household?.relation, lastLoginAt: new Date(lastLoginAt).toISOString(),
        })) } };
      });
    },
  };
}
