import { z } from 'zod';
import { MIN_PUBLISH_SECONDS, SIGNED_TOKEN_SECONDS } from '../oidc/signing-keys.js';

// Messages are catalogue keys (idp/i18n, `admin.field.*`), put into words in the response's language.

/** YYYYMMDD or YYYY-MM-DD, a real calendar date between 1900 and today; normalised to YYYY-MM-DD. */
export const birthdate = z.string().trim().transform((value, ctx) => {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(value);
  const iso = m ? `${m[1]}-${m[2]}-${m[3]}` : '';
  const date = new Date(`${iso}T00:00:00Z`);
  if (!m || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== iso
    || iso < '1900-01-01' || date.getTime() > Date.now()) {
    ctx.addIssue({ code: 'custom', message: 'admin.field.pastDate' });
    return z.NEVER;
  }
  return iso;
});

const cardField = (max: number) =>
  z.string().trim().min(1, 'admin.field.required').max(max, 'admin.field.tooLong')
    .regex(/^[^\s<>&"'`]+$/u, 'admin.field.noSpecialCharacters');

export const memberInput = z.object({
  insurerNumber: z.string().regex(/^\d{8}$/, 'admin.field.eightDigits'),
  kigo: cardField(32),
  bango: cardField(32),
  edaban: z.string().regex(/^\d{2}$/, 'admin.field.twoDigits').default('00'),
  nameKanji: z.string().trim().min(1, 'admin.field.required').max(100, 'admin.field.tooLong'),
  nameKana: z.string().trim().min(1, 'admin.field.required').max(100, 'admin.field.tooLong')
    .regex(/^[\u30A1-\u30FC\u3000 ]+$/u, 'admin.field.katakana'),
  birthdate,
  relation: z.enum(['本人', '家族']),
}).strict();

export const memberImport = z.object({
  members: z.array(memberInput).min(1, 'admin.field.someMembers').max(10_000, 'admin.field.tooManyMembers'),
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
  title: z.string().trim().min(1, 'admin.field.required').max(255, 'admin.field.tooLong'),
  body: z.string().trim().min(1, 'admin.field.required').max(200_000, 'admin.field.tooLong'),
}).strict();

/** A member of the old service: their card identity, their existing user ID and optionally e-mail. */
export const migratedAccount = z.object({
  insurerNumber: z.string().regex(/^\d{8}$/, 'admin.field.eightDigits'),
  kigo: z.string().trim().min(1).max(32),
  bango: z.string().trim().min(1).max(32),
  edaban: z.string().regex(/^\d{2}$/, 'admin.field.twoDigits').default('00'),
  userId: z.string().trim().min(3, 'admin.field.userIdLength').max(255, 'admin.field.userIdLength')
    .regex(/^[A-Za-z0-9\-_.@]+$/, 'admin.field.userIdCharacters'),
  email: z.string().trim().max(255).optional(),
}).strict();

export const migratedAccounts = z.object({
  accounts: z.array(migratedAccount).min(1, 'admin.field.someAccounts').max(200, 'admin.field.tooManyAccounts'),
}).strict();

export const displayNameInput = z.object({
  nameKanji: z.string().trim().min(1, 'admin.field.required').max(100, 'admin.field.tooLong'),
  nameKana: z.string().trim().min(1, 'admin.field.required').max(100, 'admin.field.tooLong')
    .regex(/^[\u30A1-\u30FC\u3000 ]+$/u, 'admin.field.katakana').optional(),
}).strict();

/** A postcard batch: members to issue temporary credentials for, each once (the postcard is printed once). */
export const postcardBatch = z.object({
  memberIds: z.array(uuid.transform((id) => id.toLowerCase()))
    .min(1, 'admin.field.someMembers').max(1000, 'admin.field.tooManyMembers')
    .superRefine((ids, ctx) => {
      const seen = new Set<string>();
      ids.forEach((id, i) => {
        if (seen.has(id)) ctx.addIssue({ code: 'custom', path: [i], message: 'admin.field.duplicate' });
        seen.add(id);
      });
    }),
}).strict();
