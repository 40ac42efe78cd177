import type { Knex } from 'knex';

/**
 * Session bookkeeping oidc-provider does not do for us:
 * - session_devices: the browser and address behind each IdP session, for the console's session list.
 * - portal_session_logins: which portal sessions hold a login of which IdP session (sid), so a
 *   back-channel logout token can end them. No foreign key: express-session writes its row after
 *   the callback that records the login.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('session_devices', (t) => {
    t.string('union_slug', 63).notNullable().references('slug').inTable('unions').onDelete('CASCADE');
    t.string('session_uid', 255).notNullable();
    t.string('account_id', 36).notNullable().references('id').inTable('accounts').onDelete('CASCADE');
    t.string('user_agent', 512).notNullable();
    t.string('ip', 64).notNullable();
    t.bigInteger('first_seen_at').notNullable();
    t.bigInteger('last_used_at').notNullable();
    t.primary(['union_slug', 'session_uid']);
    t.index(['account_id']);
  });
  await knex.schema.createTable('portal_session_logins', (t) => {
    t.string('union_slug', 63).notNullable();
    t.string('idp_sid', 255).notNullable();
    t.string('portal_sid', 128).notNullable();
    t.string('sub', 255).notNullable();
    t.bigInteger('expires_at').notNullable();
    t.primary(['union_slug', 'idp_sid', 'portal_sid']);
    t.index(['union_slug', 'sub']);
    t.index(['expires_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('portal_session_logins');
  await knex.schema.dropTableIfExists('session_devices');
}
