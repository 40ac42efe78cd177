import type { Knex } from 'knex';

/**
 * Lockout that an outsider cannot use (issue 11, OWASP device cookies):
 * - trusted_devices: a browser where the member completed a login. Its cookie's secret is stored
 *   hashed; it keeps its own failure counts and lock, so failures elsewhere never lock it.
 * - login_failure_streaks: consecutive failed logins per client address, for the growing delay.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('trusted_devices', (t) => {
    t.string('id', 36).primary();
    t.string('union_slug', 63).notNullable().references('slug').inTable('unions').onDelete('CASCADE');
    t.string('account_id', 36).notNullable().references('id').inTable('accounts').onDelete('CASCADE');
    t.string('secret_hash', 64).notNullable();
    t.string('user_agent', 512).notNullable();
    t.string('ip', 64).notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('last_used_at').notNullable();
    t.bigInteger('revoked_at').nullable();
    t.integer('failed_attempts').notNullable().defaultTo(0);
    t.integer('mfa_failed_attempts').notNullable().defaultTo(0);
    t.bigInteger('locked_at').nullable();
    t.index(['account_id']);
  });
  await knex.schema.createTable('login_failure_streaks', (t) => {
    t.string('key', 255).primary();
    t.integer('failures').notNullable();
    t.bigInteger('last_failure_at').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('login_failure_streaks');
  await knex.schema.dropTableIfExists('trusted_devices');
}
