import type { Knex } from 'knex';

/**
 * Eメール通知設定 and the notification outbox (issue 15 items 5 and 6). Times are epoch ms.
 *
 * - notification_settings: a member's on/off per kind of mail; no row means every kind is on.
 * - notification_batches: one row per event that owes mails (an import, a notice, a MY mail), written
 *   in the event's own transaction; the worker expands it into deliveries later.
 * - notification_deliveries: one mail to one address, and how sending it went.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('notification_settings', (t) => {
    t.string('union_slug', 63).notNullable();
    t.string('sub', 255).notNullable();
    t.boolean('medical').notNullable();
    t.boolean('notices').notNullable();
    t.boolean('messages').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.primary(['union_slug', 'sub']);
  });

  await knex.schema.createTable('notification_batches', (t) => {
    t.bigIncrements('id');
    t.string('union_slug', 63).notNullable();
    t.string('kind', 16).notNullable(); // medical | notices | messages
    // The caller's name for what caused it (a notice id, a MY mail id, an import); never its content.
    t.string('ref', 255).notNullable();
    // Who is to be told, as JSON (outbox.ts NotificationAudience): households, a relation, or one card.
    t.text('audience').notNullable();
    t.bigInteger('created_at').notNullable();
    // Not to be sent before (a notice published for later); null: at once.
    t.bigInteger('not_before').nullable();
    // Set, with the number of deliveries written, by the transaction that expands the batch.
    t.bigInteger('expanded_at').nullable();
    t.integer('recipients').nullable();
    t.index(['expanded_at', 'id']);
    t.index(['union_slug', 'created_at']);
  });

  await knex.schema.createTable('notification_deliveries', (t) => {
    // A UUID: it is also the mail's Message-ID, unique across databases and reinstalls.
    t.string('id', 36).primary();
    t.bigInteger('batch_id').notNullable().references('id').inTable('notification_batches').onDelete('CASCADE');
    t.string('union_slug', 63).notNullable();
    t.string('sub', 255).notNullable();
    // Lower-cased: one mail per address per batch, even when two members share it.
    t.string('email', 254).notNullable();
    t.string('locale', 8).notNullable();
    t.string('state', 8).notNullable(); // pending | sending | sent | failed
    t.integer('attempts').notNullable().defaultTo(0);
    // pending: due time. sending: when the lease of the process sending it ends.
    t.bigInteger('next_attempt_at').notNullable();
    t.text('last_error').nullable();
    t.bigInteger('sent_at').nullable();
    t.unique(['batch_id', 'email']);
    t.index(['state', 'next_attempt_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['notification_deliveries', 'notification_batches', 'notification_settings']) {
    await knex.schema.dropTableIfExists(table);
  }
}
