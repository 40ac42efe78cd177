import type { Knex } from 'knex';

/** Times are epoch milliseconds (BIGINT); structured settings are JSON text; ids are UUIDs or slugs. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('unions', (t) => {
    t.string('slug', 63).primary();
    t.string('name', 255).notNullable();
    t.string('insurer_number', 8).notNullable();
    t.text('settings').notNullable().defaultTo('{}');
    t.bigInteger('created_at').notNullable();
  });

  await knex.schema.createTable('members', (t) => {
    t.string('id', 36).primary();
    t.string('union_slug', 63).notNullable().references('slug').inTable('unions').onDelete('CASCADE');
    t.string('insurer_number', 8).notNullable();
    t.string('kigo', 32).notNullable();
    t.string('bango', 32).notNullable();
    t.string('edaban', 2).notNullable();
    t.string('name_kanji', 100).notNullable();
    t.string('name_kana', 100).notNullable();
    t.string('birthdate', 10).notNullable(); // YYYY-MM-DD
    t.string('relation', 8).notNullable(); // 本人 | 家族
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.unique(['union_slug', 'insurer_number', 'kigo', 'bango', 'edaban']);
    t.index(['union_slug', 'insurer_number', 'kigo', 'bango'], 'members_household_idx');
  });

  await knex.schema.createTable('accounts', (t) => {
    t.string('id', 36).primary(); // also the OIDC subject
    t.string('union_slug', 63).notNullable().references('slug').inTable('unions').onDelete('CASCADE');
    t.string('member_id', 36).notNullable().unique().references('id').inTable('members').onDelete('CASCADE');
    t.string('user_id', 255).nullable(); // lower-cased; null until the member chooses one
    t.text('password_hash').nullable();
    t.bigInteger('password_changed_at').nullable();
    t.boolean('must_change_password').notNullable().defaultTo(false);
    t.string('email', 255).nullable();
    t.bigInteger('email_verified_at').nullable();
    t.integer('failed_attempts').notNullable().defaultTo(0);
    t.bigInteger('locked_at').nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.unique(['union_slug', 'user_id']);
    t.unique(['union_slug', 'email']);
  });

  await knex.schema.createTable('temporary_credentials', (t) => {
    t.string('id', 36).primary();
    t.string('union_slug', 63).notNullable().references('slug').inTable('unions').onDelete('CASCADE');
    t.string('account_id', 36).notNullable().references('id').inTable('accounts').onDelete('CASCADE');
    t.string('login_id', 255).notNullable(); // lower-cased temporary user ID
    t.text('password_hash').notNullable();
    t.bigInteger('issued_at').notNullable();
    t.bigInteger('expires_at').notNullable();
    t.bigInteger('revoked_at').nullable(); // reissued, or the journey completed
    t.string('issued_by', 255).notNullable();
    t.unique(['union_slug', 'login_id']);
    t.index(['account_id']);
  });

  await knex.schema.createTable('credentials', (t) => {
    t.string('id', 36).primary();
    t.string('account_id', 36).notNullable().references('id').inTable('accounts').onDelete('CASCADE');
    t.string('type', 16).notNullable(); // passkey | totp | email_otp
    t.string('label', 100).notNullable();
    t.text('secret').nullable(); // encrypted at rest
    t.text('data').notNullable().defaultTo('{}');
    t.bigInteger('created_at').notNullable();
    t.bigInteger('last_used_at').nullable();
    t.unique(['account_id', 'type', 'label']);
  });

  // One table serves every oidc-provider model (sessions, grants, codes, tokens, clients…).
  await knex.schema.createTable('oidc_models', (t) => {
    t.string('union_slug', 63).notNullable().references('slug').inTable('unions').onDelete('CASCADE');
    t.string('model', 40).notNullable();
    t.string('id', 255).notNullable();
    t.text('payload').notNullable();
    t.string('grant_id', 255).nullable();
    t.string('user_code', 255).nullable();
    t.string('uid', 255).nullable();
    t.string('account_id', 36).nullable();
    t.bigInteger('expires_at').nullable();
    t.bigInteger('consumed_at').nullable();
    t.primary(['union_slug', 'model', 'id']);
    t.index(['union_slug', 'grant_id']);
    t.index(['union_slug', 'model', 'uid']);
    t.index(['union_slug', 'model', 'account_id']);
    t.index(['expires_at']);
  });

  await knex.schema.createTable('signing_keys', (t) => {
    t.string('kid', 64).primary();
    t.string('union_slug', 63).notNullable().references('slug').inTable('unions').onDelete('CASCADE');
    t.text('private_jwk').notNullable(); // encrypted at rest
    t.bigInteger('created_at').notNullable();
    t.bigInteger('retired_at').nullable();
    t.index(['union_slug']);
  });

  await knex.schema.createTable('audit_log', (t) => {
    t.bigIncrements('id');
    t.string('union_slug', 63).notNullable();
    t.bigInteger('at').notNullable();
    t.string('actor', 255).notNullable();
    t.string('action', 64).notNullable();
    t.string('target', 255).nullable();
    t.string('outcome', 16).notNullable();
    t.string('ip', 64).nullable();
    t.text('detail').notNullable().defaultTo('{}');
    t.index(['union_slug', 'at']);
    t.index(['union_slug', 'target']);
  });
  await makeAppendOnly(knex, 'audit_log');

  await knex.schema.createTable('portal_sessions', (t) => {
    t.string('sid', 128).primary();
    t.text('data').notNullable();
    t.bigInteger('expires_at').notNullable();
    t.index(['expires_at']);
  });
}

/** The audit log refuses UPDATE and DELETE at the database level, not just in our code. */
async function makeAppendOnly(knex: Knex, table: string): Promise<void> {
  const message = `${table} is append-only`;
  if (knex.client.config.client === 'pg') {
    await knex.raw(`CREATE FUNCTION ${table}_append_only() RETURNS trigger AS $$
      BEGIN RAISE EXCEPTION '${message}'; END; $$ LANGUAGE plpgsql`);
    await knex.raw(`CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table}
      FOR EACH ROW EXECUTE FUNCTION ${table}_append_only()`);
  } else {
    for (const op of ['UPDATE', 'DELETE']) {
      await knex.raw(`CREATE TRIGGER ${table}_no_${op.toLowerCase()} BEFORE ${op} ON ${table}
        BEGIN SELECT RAISE(ABORT, '${message}'); END`);
    }
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['portal_sessions', 'audit_log', 'signing_keys', 'oidc_models', 'credentials',
    'temporary_credentials', 'accounts', 'members', 'unions']) {
    await knex.schema.dropTableIfExists(table);
  }
  if (knex.client.config.client === 'pg') await knex.raw('DROP FUNCTION IF EXISTS audit_log_append_only() CASCADE');
}
