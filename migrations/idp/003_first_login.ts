import type { Knex } from 'knex';

/** First-login journey: verified birthdate, terms versions and acceptances, one-time mailed links. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('accounts', (t) => {
    t.bigInteger('birthdate_verified_at').nullable();
    t.string('preferred_mfa', 16).nullable(); // passkey | totp | email_otp
    t.bigInteger('first_login_completed_at').nullable();
  });

  await knex.schema.createTable('terms_versions', (t) => {
    t.string('union_slug', 63).notNullable().references('slug').inTable('unions').onDelete('CASCADE');
    t.integer('version').notNullable();
    t.string('title', 255).notNullable();
    t.text('body').notNullable();
    t.bigInteger('published_at').notNullable();
    t.string('published_by', 255).notNullable();
    t.primary(['union_slug', 'version']);
  });

  await knex.schema.createTable('terms_acceptances', (t) => {
    t.string('account_id', 36).notNullable().references('id').inTable('accounts').onDelete('CASCADE');
    t.integer('version').notNullable();
    t.bigInteger('accepted_at').notNullable();
    t.primary(['account_id', 'version']);
  });

  // Links mailed to members (e-mail verification, password reset…): only a hash of the token is kept.
  await knex.schema.createTable('one_time_links', (t) => {
    t.string('id', 36).primary();
    t.string('union_slug', 63).notNullable().references('slug').inTable('unions').onDelete('CASCADE');
    t.string('account_id', 36).notNullable().references('id').inTable('accounts').onDelete('CASCADE');
    t.string('purpose', 32).notNullable();
    t.string('token_hash', 64).notNullable().unique();
    t.text('payload').notNullable().defaultTo('{}');
    t.bigInteger('created_at').notNullable();
    t.bigInteger('expires_at').notNullable();
    t.bigInteger('used_at').nullable();
    t.bigInteger('superseded_at').nullable();
    t.index(['account_id', 'purpose']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('one_time_links');
  await knex.schema.dropTableIfExists('terms_acceptances');
  await knex.schema.dropTableIfExists('terms_versions');
  await knex.schema.alterTable('accounts', (t) => {
    t.dropColumn('birthdate_verified_at');
    t.dropColumn('preferred_mfa');
    t.dropColumn('first_login_completed_at');
  });
}
