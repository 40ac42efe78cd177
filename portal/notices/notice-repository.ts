import type { Knex } from 'knex';
import type { Database } from '../../migrations/database.js';
import type { Relation } from '../medical/model.js';
import { cancelNotification, queueNotification } from '../notifications/outbox.js';
import type { MaintenanceWindow } from './maintenance-window.js';

export const NOTICE_KINDS = ['news', 'maintenance'] as const;
/** お知らせ (the union's news) or メンテナンス情報 (a maintenance window, also announced on the IdP's login page). */
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export const NOTICE_AUDIENCES = ['all', 'insured', 'dependants'] as const;
/** 全員, 被保険者 (本人), 被扶養者 (家族). */
export type NoticeAudience = (typeof NOTICE_AUDIENCES)[number];

export const NOTICE_TITLE_MAX = 100;
export const NOTICE_BODY_MAX = 10_000;

/** What the union decides about a notice. */
export interface NoticeFields {
  kind: NoticeKind;
  audience: NoticeAudience;
  title: string;
  /** Plain text (portal/text/plain-text.ts shows it). */
  body: string;
  publishFrom: number;
  publishTo: number | null;
  /** Maintenance notices only. */
  window: MaintenanceWindow | null;
}

export interface Notice extends NoticeFields {
  id: number;
  unionSlug: string;
  createdBy: string;
  createdAt: number;
  updatedBy: string;
  updatedAt: number;
  withdrawnAt: number | null;
  withdrawnBy: string | null;
}

export type NoticeState = 'scheduled' | 'published' | 'expired' | 'withdrawn';

/** Where a notice stands for the members at `now`. */
export function noticeState(notice: Pick<Notice, 'publishFrom' | 'publishTo' | 'withdrawnAt'>, now: number): NoticeState {
  if (notice.withdrawnAt !== null) return 'withdrawn';
  if (notice.publishFrom > now) return 'scheduled';
  if (notice.publishTo !== null && notice.publishTo <= now) return 'expired';
  return 'published';
}

/** A logged-in member as the notices see them: the union, who, and 本人 or 家族 from their card. */
export interface NoticeReader {
  unionSlug: string;
  sub: string;
  /** Unknown (no card in the last login): only notices for everyone. */
  relation: Relation | null;
}

/** The audiences a member belongs to. */
export function audiencesOf(relation: Relation | null): NoticeAudience[] {
  if (relation === '本人') return ['all', 'insured'];
  if (relation === '家族') return ['all', 'dependants'];
  return ['all'];
}

interface Row {
  id: number; union_slug: string; kind: NoticeKind; audience: NoticeAudience; title: string; body: string;
  publish_from: number | string; publish_to: number | string | null; window_start: number | string | null; window_end: number | string | null;
  created_by: string; created_at: number | string; updated_by: string; updated_at: number | string;
  withdrawn_at: number | string | null; withdrawn_by: string | null;
}

const ms = (v: number | string | null): number | null => (v === null ? null : Number(v));

const fromRow = (r: Row): Notice => ({
  id: Number(r.id), unionSlug: r.union_slug, kind: r.kind, audience: r.audience, title: r.title, body: r.body,
  publishFrom: Number(r.publish_from), publishTo: ms(r.publish_to),
  window: r.window_start !== null && r.window_end !== null ? { start: Number(r.window_start), end: Number(r.window_end) } : null,
  createdBy: r.created_by, createdAt: Number(r.created_at), updatedBy: r.updated_by, updatedAt: Number(r.updated_at),
  withdrawnAt: ms(r.withdrawn_at), withdrawnBy: r.withdrawn_by,
});

const columnsOf = (f: NoticeFields) => ({
  kind: f.kind, audience: f.audience, title: f.title, body: f.body, publish_from: f.publishFrom, publish_to: f.publishTo,
  window_start: f.window?.start ?? null, window_end: f.window?.end ?? null,
});

/** Largest id a route may ask for (an `integer` column). */
const MAX_ID = 2_147_483_647;
const validId = (id: number) => Number.isInteger(id) && id > 0 && id <= MAX_ID;

// ── the union's side (admin API) ──

const RELATION_OF: Record<NoticeAudience, 'all' | Relation> = { all: 'all', insured: '本人', dependants: '家族' };
const notificationRef = (id: number) => `notice:${id}`;

/** The notification mail of a notice, owed from its publication on, to its audience (in the notice's transaction). */
const queueNoticeMail = (trx: Knex.Transaction, unionSlug: string, id: number, fields: NoticeFields, now: number) =>
  queueNotification(trx, {
    unionSlug, kind: 'notices', ref: notificationRef(id), audience: { relation: RELATION_OF[fields.audience] },
    ...(fields.publishFrom > now ? { notBefore: fields.publishFrom } : {}),
  });

/** Stores a notice and, in the same transaction, owes its notification mails (sent from its publication on). */
export async function createNotice(db: Database, unionSlug: string, fields: NoticeFields, by: string, now = Date.now()): Promise<Notice> {
  const id = await db.transaction(async (trx) => {
    const [row] = await trx('notices').insert({
      union_slug: unionSlug, ...columnsOf(fields), created_by: by, created_at: now, updated_by: by, updated_at: now,
    }, ['id']);
    const created = Number(typeof row === 'object' ? row.id : row);
    await queueNoticeMail(trx, unionSlug, created, fields, now);
    return created;
  });
  return (await findNotice(db, unionSlug, id))!;
}

/** Any notice of the union, withdrawn ones too. */
export async function findNotice(db: Database, unionSlug: string, id: number): Promise<Notice | undefined> {
  if (!validId(id)) return undefined;
  const row = await db('notices').where({ union_slug: unionSlug, id }).first();
  return row ? fromRow(row) : undefined;
}

/** Replaces what the union decides of a notice that is not withdrawn; undefined when there is none. */
export async function updateNotice(db: Database, unionSlug: string, id: number, fields: NoticeFields, by: string, now = Date.now()): Promise<Notice | undefined> {
  if (!validId(id)) return undefined;
  const changed = await db.transaction(async (trx) => {
    const rows = await trx('notices').where({ union_slug: unionSlug, id }).whereNull('withdrawn_at')
      .update({ ...columnsOf(fields), updated_by: by, updated_at: now });
    // Mails nobody has been sent yet follow the new publication time and audience; once sent, they stay sent.
    if (rows && await cancelNotification(trx, unionSlug, notificationRef(id))) await queueNoticeMail(trx, unionSlug, id, fields, now);
    return rows;
  });
  return changed ? findNotice(db, unionSlug, id) : undefined;
}

/** Takes a notice off the members' pages for good; the row stays (reads, audit). Withdrawing twice keeps the first time. */
export async function withdrawNotice(db: Database, unionSlug: string, id: number, by: string, now = Date.now()): Promise<Notice | undefined> {
  if (!validId(id)) return undefined;
  await db.transaction(async (trx) => {
    const rows = await trx('notices').where({ union_slug: unionSlug, id }).whereNull('withdrawn_at').update({ withdrawn_at: now, withdrawn_by: by });
    if (rows) await cancelNotification(trx, unionSlug, notificationRef(id));
  });
  return findNotice(db, unionSlug, id);
}

/** The union's notices in every state, newest publication first, with how many members have read each. */
export async function listNotices(
  db: Database,
  unionSlug: string,
  options: { limit: number; state?: NoticeState; now?: number },
): Promise<Array<Notice & { reads: number }>> {
  const now = options.now ?? Date.now();
  const query = db('notices').where({ union_slug: unionSlug }).orderBy([{ column: 'publish_from', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(options.limit);
  switch (options.state) {
    case 'withdrawn': query.whereNotNull('withdrawn_at'); break;
    case 'scheduled': query.whereNull('withdrawn_at').andWhere('publish_from', '>', now); break;
    case 'expired': query.whereNull('withdrawn_at').andWhere('publish_to', '<=', now); break;
    case 'published': publishedAt(query, now); break;
    default: break;
  }
  const notices = (await query).map(fromRow);
  const counts = notices.length
    ? await db('notice_reads').whereIn('notice_id', notices.map((n) => n.id)).groupBy('notice_id').select('notice_id').count({ reads: '*' }) as Array<{ notice_id: number; reads: number | string }>
    : [];
  const reads = new Map(counts.map((c) => [Number(c.notice_id), Number(c.reads)]));
  return notices.map((n) => ({ ...n, reads: reads.get(n.id) ?? 0 }));
}

export async function countNoticeReads(db: Database, id: number): Promise<number> {
  const [row] = await db('notice_reads').where({ notice_id: id }).count({ reads: '*' });
  return Number(row?.reads ?? 0);
}

// ── the members' side ──

/** Not withdrawn, from its publication on, until its end (exclusive). */
function publishedAt(query: Knex.QueryBuilder, now: number): Knex.QueryBuilder {
  return query.whereNull('withdrawn_at').andWhere('publish_from', '<=', now)
    .andWhere((q) => { q.whereNull('publish_to').orWhere('publish_to', '>', now); });
}

/** The notices the reader may see now: published, for everyone or for their group. */
const visibleTo = (db: Database, reader: NoticeReader, now: number) =>
  publishedAt(db('notices').where({ 'notices.union_slug': reader.unionSlug }).whereIn('audience', audiencesOf(reader.relation)), now);

/** The reader's notices, newest first, each with whether they have read it. */
export async function listVisibleNotices(db: Database, reader: NoticeReader, now = Date.now(), limit = 200): Promise<Array<Notice & { read: boolean }>> {
  const rows = await visibleTo(db, reader, now)
    .leftJoin('notice_reads', (j) => {
      j.on('notice_reads.notice_id', '=', 'notices.id')
        .andOn('notice_reads.union_slug', '=', db.raw('?', [reader.unionSlug]))
        .andOn('notice_reads.sub', '=', db.raw('?', [reader.sub]));
    })
    .select('notices.*', 'notice_reads.read_at')
    .orderBy([{ column: 'notices.publish_from', order: 'desc' }, { column: 'notices.id', order: 'desc' }])
    .limit(limit);
  return rows.map((r: Row & { read_at: number | null }) => ({ ...fromRow(r), read: r.read_at !== null }));
}

/** One notice, only if the reader may see it now: unknown, unpublished, expired, withdrawn and other groups' notices are all alike. */
export async function findVisibleNotice(db: Database, reader: NoticeReader, id: number, now = Date.now()): Promise<Notice | undefined> {
  if (!validId(id)) return undefined;
  const row = await visibleTo(db, reader, now).andWhere({ id }).first();
  return row ? fromRow(row) : undefined;
}

/** Remembers that the reader opened the notice; true the first time. */
export async function markNoticeRead(db: Database, reader: NoticeReader, id: number, now = Date.now()): Promise<boolean> {
  const inserted = await db('notice_reads')
    .insert({ union_slug: reader.unionSlug, sub: reader.sub, notice_id: id, read_at: now }, ['notice_id'])
    .onConflict(['union_slug', 'sub', 'notice_id']).ignore();
  return inserted.length > 0;
}

/** How many notices the reader may see now and has not opened (the 🔔 count). */
export async function countUnreadNotices(db: Database, reader: NoticeReader, now = Date.now()): Promise<number> {
  const [row] = await visibleTo(db, reader, now)
    .whereNotExists((q) => {
      q.select(db.raw('1')).from('notice_reads')
        .whereRaw('notice_reads.notice_id = notices.id')
        .andWhere({ 'notice_reads.union_slug': reader.unionSlug, 'notice_reads.sub': reader.sub });
    })
    .count({ unread: '*' });
  return Number(row?.unread ?? 0);
}

/**
 * Maintenance announced to everyone, published now, whose window has not ended: what the IdP's
 * login page may show. Notices for one group are not public.
 */
export async function listAnnouncedMaintenance(db: Database, unionSlug: string, now = Date.now(), limit = 5): Promise<Notice[]> {
  const rows = await publishedAt(db('notices').where({ union_slug: unionSlug, kind: 'maintenance', audience: 'all' }), now)
    .andWhere('window_end', '>', now)
    .orderBy('window_start')
    .limit(limit);
  return rows.map(fromRow);
}
