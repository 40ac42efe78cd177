import type { Knex } from 'knex';

/**
 * Recovery that cannot be suppressed (issue 11): when a recovery mail last went to an account, per
 * kind (`password`, `user_id`). A request is mailed when the last mail is older than the cooldown,
 * so a flood can hold the member's own mail back by at most that long.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('recovery_cooldowns', (t) => {
    t.string('account_id', 36).notNullable().references('id').inTable('accounts').onDelete('CASCADE');
    t.string('kind', 16).notNullable();
    t.bigInteger('last_mailed_at').notNullable();
    t.primary(['account_id', 'kind']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('recovery_cooldowns');
}
