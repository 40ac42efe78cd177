import { z } from 'zod';
import { MIN_PUBLISH_SECONDS, SIGNED_TOKEN_SECONDS } from '../oidc/signing-keys.js';

/** YYYYMMDD or YYYY-MM-DD, a real calendar date between 1900 and today; normalised to YYYY-MM-DD. */
export const birthdate = z.string().trim().transform((value, ctx) => {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(value);
  const iso = m ? `${m[1]}-${m[2]}-${m[3]}` : '';
  const date = new Date(`${iso}T00:00:00Z`);
  if (!m || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== iso
    || iso < '1900-01-01' || date.getTime() > Date.now()) {
    ctx.addIssue({ code: 'custom', message: 'must be a past date as YYYYMMDD or YYYY-MM-DD' });
    return z.NEVER;
  }
  return iso;
});

const cardField = (max: number) =>
  z.string().trim().min(1, 'is required').max(max, `must be at most ${max} characters`)
    .regex(/^[^\s<>&"'`]+$/u, 'must not contain spaces or < > & " \' `');

export const memberInput = z.object({
  insurerNumber: z.string().regex(/^\d{8}$/, 'must be 8 digits'),
  kigo: cardField(32),
  bango: cardField(32),
  edaban: z.string().regex(/^\d{2}$/, 'must be 2 digits').default('00'),
  nameKanji: z.string().trim().min(1, 'is required').max(100, 'must be at most 100 characters'),
  nameKana: z.string().trim().min(1, 'is required').max(100, 'must be at most 100 characters')
    .regex(/^[\u30A1-\u30FC\u3000 ]+$/u, 'must be full-width katakana'),
  birthdate,
  relation: z.enum(['本人', '家族']),
}).strict();

export const memberImport = z.object({
  members: z.array(memberInput).min(1, 'must list at least one member').max(10_000, 'at most 10000 members per call'),
}).strict();

export const uuid = z.uuid();

/** A signing-key rotation's timing (signing-keys.ts); defaults when left out. */
export const keyRotation = z.object({
  publishSeconds: z.number().int().min(MIN_PUBLISH_SECONDS, `must be at least ${MIN_PUBLISH_SECONDS}`).max(30 * 24 * 60 * 60, 'must be at most 30 days').optional(),
  retireAfterSeconds: z.number().int().min(SIGNED_TOKEN_SECONDS, `must be at least ${SIGNED_TOKEN_SECONDS} (the longest token lifetime)`).max(365 * 24 * 60 * 60, 'must be at most a year').optional(),
}).strict();

export const auditQuery = z.object({
  target: z.string().max(255).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
}).strict();

export const backchannelDeliveryQuery = z.object({
  status: z.enum(['pending', 'delivered', 'abandoned']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
}).strict();

export const accountQuery = z.object({
  user_id: z.string().trim().min(1).max(255),
}).strict();

export const termsInput = z.object({
  title: z.string().trim().min(1, 'is required').max(255, 'must be at most 255 characters'),
  body: z.string().trim().min(1, 'is required').max(200_000, 'must be at most 200000 characters'),
}).strict();

/** A member of the old service: their card identity, their existing user ID and optionally e-mail. */
export const migratedAccount = z.object({
  insurerNumber: z.string().regex(/^\d{8}$/, 'must be 8 digits'),
  kigo: z.string().trim().min(1).max(32),
  bango: z.string().trim().min(1).max(32),
  edaban: z.string().regex(/^\d{2}$/, 'must be 2 digits').default('00'),
  userId: z.string().trim().min(3, 'must be 3 to 255 characters').max(255, 'must be 3 to 255 characters')
    .regex(/^[A-Za-z0-9\-_.@]+$/, 'may contain only letters, digits and - _ . @'),
  email: z.string().trim().max(255).optional(),
}).strict();

export const migratedAccounts = z.object({
  accounts: z.array(migratedAccount).min(1, 'must list at least one account').max(200, 'at most 200 accounts per call (each password is hashed)'),
}).strict();

export const displayNameInput = z.object({
  nameKanji: z.string().trim().min(1, 'is required').max(100, 'must be at most 100 characters'),
  nameKana: z.string().trim().min(1, 'is required').max(100, 'must be at most 100 characters')
    .regex(/^[\u30A1-\u30FC\u3000 ]+$/u, 'must be full-width katakana').optional(),
}).strict();

/** A postcard batch: members to issue temporary credentials for, each once (the postcard is printed once). */
export const postcardBatch = z.object({
  memberIds: z.array(uuid.transform((id) => id.toLowerCase()))
    .min(1, 'must list at least one member').max(1000, 'at most 1000 members per call (each password is hashed)')
    .superRefine((ids, ctx) => {
      const seen = new Set<string>();
      ids.forEach((id, i) => {
        if (seen.has(id)) ctx.addIssue({ code: 'custom', path: [i], message: 'is listed more than once' });
        seen.add(id);
      });
    }),
}).strict();
