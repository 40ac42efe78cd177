import type { Knex } from 'knex';

/**
 * Back-channel logout outbox (issue 12): one row per logout token owed to a relying party, written
 * when the session ends and delivered by the IdP's worker with retries, so a relying party that is
 * down, or an IdP that restarts, does not lose the logout. Times are epoch milliseconds.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('backchannel_deliveries', (t) => {
    t.string('id', 36).primary();
    t.string('union_slug', 63).notNullable().references('slug').inTable('unions').onDelete('CASCADE');
    t.string('client_id', 255).notNullable();
    t.string('sub', 255).notNullable();
    t.string('sid', 255).notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    // Due time; while an attempt runs it is pushed ahead as a lease, so another process skips the row.
    t.bigInteger('next_attempt_at').notNullable();
    t.text('last_error').nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('delivered_at').nullable();
    t.bigInteger('abandoned_at').nullable();
    t.index(['next_attempt_at']);
    t.index(['union_slug', 'client_id', 'created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('backchannel_deliveries');
}
