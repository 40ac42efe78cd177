import type { Knex } from 'knex';

/**
 * The account console (idp/account-console/): its own confidential client per union (secret sealed)
 * and the console's small server-side sessions (a signed cookie holds only the row id).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('account_console_clients', (t) => {
    t.string('union_slug', 63).primary().references('slug').inTable('unions').onDelete('CASCADE');
    t.string('client_id', 255).notNullable();
    t.text('client_secret').notNullable();
    t.bigInteger('created_at').notNullable();
  });
  await knex.schema.createTable('account_console_sessions', (t) => {
    t.string('id', 64).primary();
    t.string('union_slug', 63).notNullable().references('slug').inTable('unions').onDelete('CASCADE');
    t.string('account_id', 36).nullable().references('id').inTable('accounts').onDelete('CASCADE');
    /** JSON: the login in progress (state, nonce, PKCE verifier, return path) or the logged-in member (sub, auth_time, acr, amr, id_token, grant). */
    t.text('data').notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('expires_at').notNullable();
    t.index(['union_slug', 'account_id']);
  });
  // プロフィール変更: the member's language preference (ja / en; the screens stay Japanese for now).
  await knex.schema.alterTable('accounts', (t) => {
    t.string('language', 8).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('accounts', (t) => {
    t.dropColumn('language');
  });
  await knex.schema.dropTableIfExists('account_console_sessions');
  await knex.schema.dropTableIfExists('account_console_clients');
}
