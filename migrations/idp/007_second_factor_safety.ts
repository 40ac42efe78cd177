import type { Knex } from 'knex';

/**
 * Second factors that mean what they say (issue 10):
 * - accounts.mfa_failed_attempts: wrong codes and assertions have their own count, cleared only by a
 *   complete login (a correct password no longer resets it).
 * - accounts.initial_password_expires_at: set while a migrated member's initial password
 *   (記号番号 + birthdate) is the account's password; it opens a login only with a mailed code.
 * - accounts.attention_requested_at: the member said a factor change "was not me"; the union sees it.
 * - recovery_codes: single-use codes (hashed) that replace the usual factor at login.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('accounts', (t) => {
    t.integer('mfa_failed_attempts').notNullable().defaultTo(0);
    t.bigInteger('initial_password_expires_at').nullable();
    t.bigInteger('attention_requested_at').nullable();
  });
  await knex.schema.createTable('recovery_codes', (t) => {
    t.string('id', 36).primary();
    t.string('account_id', 36).notNullable().references('id').inTable('accounts').onDelete('CASCADE');
    t.string('code_hash', 255).notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('used_at').nullable();
    t.index(['account_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('recovery_codes');
  await knex.schema.alterTable('accounts', (t) => {
    t.dropColumn('attention_requested_at');
    t.dropColumn('initial_password_expires_at');
    t.dropColumn('mfa_failed_attempts');
  });
}
