import type { Database } from '../../migrations/database.js';

/** The kinds of notification mail a member can switch on or off (Eメール通知設定). */
export const NOTIFICATION_KINDS = ['medical', 'notices', 'messages'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const isNotificationKind = (value: unknown): value is NotificationKind =>
  NOTIFICATION_KINDS.includes(value as NotificationKind);

export type NotificationSettings = Record<NotificationKind, boolean>;

/** A member who never changed anything gets every kind (no row). */
export const DEFAULT_NOTIFICATION_SETTINGS: NotificationSettings = { medical: true, notices: true, messages: true };

export async function loadNotificationSettings(db: Database, unionSlug: string, sub: string): Promise<NotificationSettings> {
  const row = await db('notification_settings').where({ union_slug: unionSlug, sub }).first();
  if (!row) return { ...DEFAULT_NOTIFICATION_SETTINGS };
  // SQLite answers 1/0, PostgreSQL true/false.
  return { medical: Boolean(row.medical), notices: Boolean(row.notices), messages: Boolean(row.messages) };
}

export async function saveNotificationSettings(db: Database, unionSlug: string, sub: string, settings: NotificationSettings): Promise<void> {
  const fields = { ...settings, updated_at: Date.now() };
  await db('notification_settings').insert({ union_slug: unionSlug, sub, ...fields }).onConflict(['union_slug', 'sub']).merge(fields);
}
