import type { Knex } from 'knex';

/** Second factors: globally unique passkey ids, short-lived challenges and codes, rate-limit windows. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('credentials', (t) => {
    // A WebAuthn credential id may belong to one account only, across every union.
    t.string('external_id', 1024).nullable().unique();
    // TOTP: last accepted time step (a code works once); passkey: the authenticator's signature counter.
    t.bigInteger('counter').nullable();
  });

  // Challenges of one interaction: WebAuthn challenges, e-mail codes (hashed), TOTP secrets being set up (sealed).
  await knex.schema.createTable('mfa_challenges', (t) => {
    t.string('id', 36).primary();
    t.string('account_id', 36).notNullable().references('id').inTable('accounts').onDelete('CASCADE');
    t.string('interaction_uid', 255).notNullable();
    t.string('kind', 32).notNullable();
    t.text('value').notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('expires_at').notNullable();
    t.index(['account_id', 'interaction_uid', 'kind']);
  });

  await knex.schema.createTable('rate_limits', (t) => {
    t.string('key', 255).notNullable();
    t.bigInteger('window_start').notNullable();
    t.integer('count').notNullable();
    t.primary(['key', 'window_start']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('rate_limits');
  await knex.schema.dropTableIfExists('mfa_challenges');
  await knex.schema.alterTable('credentials', (t) => {
    t.dropColumn('external_id');
    t.dropColumn('counter');
  });
}
