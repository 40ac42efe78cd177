import type { Knex } from 'knex';
import type { Database } from '../../migrations/database.js';
import { queueNotification } from '../notifications/outbox.js';

/**
 * MYメール storage: a message from the union to one person, named by their card within the union
 * (記号・番号・枝番), and its thread of answers. The person need not have logged in yet: whoever
 * logs in to the portal with that card reads it. Every member-side query takes the card, so a
 * message id alone never reaches anyone else's message.
 */

/** Whom the union addresses: one person's card within the union. */
export interface Card {
  kigo: string;
  bango: string;
  edaban: string;
}

export type Author = 'union' | 'member';

export interface ThreadEntry {
  id: number;
  author: Author;
  /** The admin client id for the union, the member's sub for the member. */
  authorId: string;
  text: string;
  createdAt: number;
  /** A member's reply: when the union answered the thread after it (null while unanswered). */
  answeredAt: number | null;
}

export interface MessageSummary {
  id: number;
  unionSlug: string;
  card: Card;
  subject: string;
  /** 要返信 */
  replyRequested: boolean;
  /** The admin client that sent it. */
  createdBy: string;
  createdAt: number;
  /** Not opened since it arrived or since the union's last answer. */
  unread: boolean;
  /** When the member last opened it. */
  readAt: number | null;
  lastEntryBy: Author;
  lastEntryAt: number;
  /** Whose turn it is: the union's after a member's reply; the member's while a 要返信 message is unanswered. */
  awaiting: Author | null;
  /** Raised by the message and each union answer; the read state is the version the member last saw. */
  unionVersion: number;
}

export interface Message extends MessageSummary {
  body: string;
  entries: ThreadEntry[];
}

/** A member's reply as the union's inbox lists it. */
export interface MemberReply extends ThreadEntry {
  messageId: number;
  subject: string;
  card: Card;
}

export interface NewMessage {
  unionSlug: string;
  card: Card;
  subject: string;
  body: string;
  replyRequested: boolean;
  createdBy: string;
}


interface MessageRow {
  id: number; union_slug: string; kigo: string; bango: string; edaban: string; subject: string; body?: string;
  reply_requested: boolean | number; created_by: string; created_at: number; union_version: number; read_version: number;
  read_at: number | null; last_entry_by: Author; last_entry_at: number;
}

const SUMMARY_COLUMNS = [
  'id', 'union_slug', 'kigo', 'bango', 'edaban', 'subject', 'reply_requested', 'created_by', 'created_at',
  'union_version', 'read_version', 'read_at', 'last_entry_by', 'last_entry_at',
].map((c) => `member_messages.${c}`);

const optionalTime = (value: number | null) => (value === null ? null : Number(value));

function summaryOf(r: MessageRow): MessageSummary {
  const replyRequested = Boolean(r.reply_requested);
  return {
    id: Number(r.id), unionSlug: r.union_slug, card: { kigo: r.kigo, bango: r.bango, edaban: r.edaban },
    subject: r.subject, replyRequested, createdBy: r.created_by, createdAt: Number(r.created_at),
    unread: Number(r.read_version) < Number(r.union_version), readAt: optionalTime(r.read_at),
    lastEntryBy: r.last_entry_by, lastEntryAt: Number(r.last_entry_at),
    awaiting: r.last_entry_by === 'member' ? 'union' : replyRequested ? 'member' : null,
    unionVersion: Number(r.union_version),
  };
}

const entryOf = (r: { id: number; author: Author; author_id: string; text: string; created_at: number; answered_at: number | null }): ThreadEntry => ({
  id: Number(r.id), author: r.author, authorId: r.author_id, text: r.text, createdAt: Number(r.created_at), answeredAt: optionalTime(r.answered_at),
});

/** The notification mail of a MY mail (new, or answered by the union), to its card, in the message's transaction. */
const queueMessageMail = (trx: Knex.Transaction, unionSlug: string, id: number, card: { kigo: string; bango: string; edaban: string }) =>
  queueNotification(trx, { unionSlug, kind: 'messages', ref: `message:${id}`, audience: { card } });

/** Stores a MY mail and, in the same transaction, owes the member its notification mail. */
export async function createMessage(db: Database, message: NewMessage): Promise<MessageSummary> {
  const now = Date.now();
  return db.transaction(async (trx) => {
    const [row] = await trx('member_messages').insert({
      union_slug: message.unionSlug, kigo: message.card.kigo, bango: message.card.bango, edaban: message.card.edaban,
      subject: message.subject, body: message.body, reply_requested: message.replyRequested, created_by: message.createdBy,
      created_at: now, union_version: 1, read_version: 0, read_at: null, last_entry_by: 'union', last_entry_at: now,
    }).returning(SUMMARY_COLUMNS.map((c) => c.replace('member_messages.', '')));
    const created = summaryOf(row as MessageRow);
    await queueMessageMail(trx, message.unionSlug, created.id, message.card);
    return created;
  });
}

async function withThread(db: Database, row: MessageRow | undefined): Promise<Message | undefined> {
  if (!row) return undefined;
  const entries = await db('member_message_entries').where({ message_id: row.id }).orderBy('id');
  return { ...summaryOf(row), body: row.body ?? '', entries: entries.map(entryOf) };
}

/** A message of the union with its thread (the admin's view). */
export async function findMessage(db: Database, unionSlug: string, id: number): Promise<Message | undefined> {
  return withThread(db, await db('member_messages').where({ union_slug: unionSlug, id }).first());
}

/** A message with its thread, only if it is addressed to this card. */
export async function findMessageForCard(db: Database, unionSlug: string, card: Card, id: number): Promise<Message | undefined> {
  return withThread(db, await db('member_messages').where({ union_slug: unionSlug, id, ...cardColumns(card) }).first());
}

const cardColumns = (card: Card) => ({ kigo: card.kigo, bango: card.bango, edaban: card.edaban });

/** The card's messages, newest first. */
export async function listMessagesForCard(db: Database, unionSlug: string, card: Card, limit = 200): Promise<MessageSummary[]> {
  const rows = await db('member_messages').select(SUMMARY_COLUMNS)
    .where({ union_slug: unionSlug, ...cardColumns(card) })
    .orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(limit);
  return rows.map(summaryOf);
}

/** How many of the card's messages are unread (the header's ✉). */
export async function countUnreadForCard(db: Database, unionSlug: string, card: Card): Promise<number> {
  const [{ count }] = await db('member_messages').count({ count: '*' })
    .where({ union_slug: unionSlug, ...cardColumns(card) })
    .andWhere('read_version', '<', db.ref('union_version'));
  return Number(count);
}

/**
 * The member opened the message having seen `version` of it: everything up to that is read. An
 * answer that arrived while the page was being built has a higher version and stays unread.
 */
export async function markRead(db: Database, id: number, version: number): Promise<void> {
  await db('member_messages').where({ id }).andWhere('read_version', '<', version).update({ read_version: version });
  await db('member_messages').where({ id }).update({ read_at: Date.now() });
}

export type MemberReplyOutcome = { state: 'added'; entry: ThreadEntry } | { state: 'not-found' } | { state: 'not-replyable' };

/** The member answers a 要返信 message addressed to their card. */
export async function addMemberReply(
  db: Database,
  reply: { unionSlug: string; card: Card; id: number; sub: string; text: string },
): Promise<MemberReplyOutcome> {
  const now = Date.now();
  return db.transaction(async (trx) => {
    const message = await trx('member_messages').select('id', 'reply_requested')
      .where({ union_slug: reply.unionSlug, id: reply.id, ...cardColumns(reply.card) }).first();
    if (!message) return { state: 'not-found' } as const;
    if (!message.reply_requested) return { state: 'not-replyable' } as const;
    // The message row first: its lock orders this reply against a union answer to the same thread.
    await trx('member_messages').where({ id: reply.id }).update({ last_entry_by: 'member', last_entry_at: now });
    const [row] = await trx('member_message_entries').insert({
      message_id: reply.id, author: 'member', author_id: reply.sub, text: reply.text, created_at: now, answered_at: null,
    }).returning(['id', 'author', 'author_id', 'text', 'created_at', 'answered_at']);
    return { state: 'added', entry: entryOf(row) } as const;
  });
}

/**
 * The union answers the thread: the member's replies so far count as answered, and the message is
 * unread again (and, if 要返信, awaits the member once more).
 */
export async function addUnionReply(
  db: Database,
  reply: { unionSlug: string; id: number; clientId: string; text: string },
): Promise<ThreadEntry | undefined> {
  const now = Date.now();
  return db.transaction(async (trx) => {
    const updated = await trx('member_messages').where({ union_slug: reply.unionSlug, id: reply.id })
      .update({ union_version: trx.raw('union_version + 1'), last_entry_by: 'union', last_entry_at: now });
    if (updated === 0) return undefined;
    await trx('member_message_entries').where({ message_id: reply.id, author: 'member' }).whereNull('answered_at').update({ answered_at: now });
    const [row] = await trx('member_message_entries').insert({
      message_id: reply.id, author: 'union', author_id: reply.clientId, text: reply.text, created_at: now, answered_at: null,
    }).returning(['id', 'author', 'author_id', 'text', 'created_at', 'answered_at']);
    const card = await trx('member_messages').where({ id: reply.id }).first('kigo', 'bango', 'edaban');
    await queueMessageMail(trx, reply.unionSlug, reply.id, card);
    return entryOf(row);
  });
}

export interface MessageFilter {
  kigo?: string;
  bango?: string;
  edaban?: string;
  awaiting?: Author;
  limit: number;
}

/** The union's messages, newest first, with their state (the admin's list). */
export async function listMessages(db: Database, unionSlug: string, filter: MessageFilter): Promise<MessageSummary[]> {
  const query = db('member_messages').select(SUMMARY_COLUMNS).where({ union_slug: unionSlug });
  for (const column of ['kigo', 'bango', 'edaban'] as const) if (filter[column]) query.andWhere(column, filter[column]);
  if (filter.awaiting === 'union') query.andWhere({ last_entry_by: 'member' });
  if (filter.awaiting === 'member') query.andWhere({ last_entry_by: 'union', reply_requested: true });
  const rows = await query.orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(filter.limit);
  return rows.map(summaryOf);
}

/** Members' replies, oldest first; with `unanswered`, only those the union has not answered yet. */
export async function listMemberReplies(db: Database, unionSlug: string, filter: { unanswered: boolean; limit: number }): Promise<MemberReply[]> {
  const query = db('member_message_entries as e')
    .join('member_messages as m', 'm.id', 'e.message_id')
    .select('e.id', 'e.author', 'e.author_id', 'e.text', 'e.created_at', 'e.answered_at', 'm.id as message_id', 'm.subject', 'm.kigo', 'm.bango', 'm.edaban')
    .where({ 'm.union_slug': unionSlug, 'e.author': 'member' });
  if (filter.unanswered) query.whereNull('e.answered_at');
  const rows = await query.orderBy('e.id').limit(filter.limit);
  return rows.map((r) => ({
    ...entryOf(r), messageId: Number(r.message_id), subject: r.subject, card: { kigo: r.kigo, bango: r.bango, edaban: r.edaban },
  }));
}
