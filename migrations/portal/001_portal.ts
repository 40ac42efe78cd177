import type { Knex } from 'knex';
import { createAuditTables } from '../../audit/audit-schema.js';

/**
 * The portal's own database (PORTAL_DATABASE_URL): its sessions, what it knows of the members who
 * logged in, the medical-expense data imported from the union's claim files, and its audit log.
 * Nothing here refers to the IdP's tables; unions are named by slug. Times are epoch ms.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('portal_sessions', (t) => {
    t.string('sid', 128).primary();
    t.text('data').notNullable();
    t.bigInteger('expires_at').notNullable();
    t.index(['expires_at']);
  });
  // Which portal sessions hold a login of which IdP session (sid), so a back-channel logout token can
  // end them. No foreign key: express-session writes its row after the callback that records the login.
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

  // A member as their last login told the portal (ID token and access token claims): the address
  // notification mails go to, their language, and the insurance card the union addresses them by.
  await knex.schema.createTable('portal_members', (t) => {
    t.string('union_slug', 63).notNullable();
    t.string('sub', 255).notNullable();
    t.string('name', 100).notNullable();
    t.string('email', 254).nullable();
    t.string('locale', 8).nullable();
    t.string('insurer_number', 8).nullable();
    t.string('kigo', 32).nullable();
    t.string('bango', 32).nullable();
    t.string('edaban', 2).nullable();
    t.string('relation', 8).nullable(); // 本人 | 家族
    t.bigInteger('first_login_at').notNullable();
    t.bigInteger('last_login_at').notNullable();
    t.primary(['union_slug', 'sub']);
    t.index(['union_slug', 'kigo', 'bango', 'edaban'], 'portal_members_card_idx');
  });

  await knex.schema.createTable('medical_households', (t) => {
    t.increments('id');
    t.string('union_slug', 63).notNullable();
    t.string('insurer_number', 8).notNullable();
    t.string('kigo', 32).notNullable();
    t.string('bango', 32).notNullable();
    t.bigInteger('created_at').notNullable();
    t.unique(['union_slug', 'insurer_number', 'kigo', 'bango']);
  });
  await knex.schema.createTable('medical_patients', (t) => {
    t.integer('household_id').notNullable().references('id').inTable('medical_households').onDelete('CASCADE');
    t.string('edaban', 2).notNullable();
    t.string('name', 100).notNullable();
    t.string('relation', 8).notNullable(); // 本人 | 家族
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.primary(['household_id', 'edaban']);
  });
  await knex.schema.createTable('medical_claims', (t) => {
    t.bigIncrements('id');
    t.string('union_slug', 63).notNullable();
    // The union's own claim id from the import file: re-importing a row finds it again.
    t.string('source_claim_id', 64).notNullable();
    t.integer('household_id').notNullable();
    t.string('edaban', 2).notNullable();
    t.string('service_month', 7).notNullable(); // YYYY-MM
    t.string('facility_name', 100).nullable();
    t.string('category', 4).notNullable(); // 入院 | 通院 | 歯科 | 調剤
    t.integer('days').notNullable();
    t.integer('total_cost').notNullable();
    t.integer('insurer_paid').notNullable();
    t.integer('public_paid').notNullable();
    t.integer('self_paid').notNullable();
    t.string('note', 200).nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.unique(['union_slug', 'source_claim_id']);
    t.foreign(['household_id', 'edaban']).references(['household_id', 'edaban']).inTable('medical_patients').onDelete('CASCADE');
    // Every statement query is "this household (or patient), these months"; with 枝番 and 自己負担額 in it,
    // the summary's totals are read from the index alone (no table rows at 46 M claims).
    t.index(['household_id', 'service_month', 'edaban', 'self_paid'], 'medical_claims_household_month_idx');
  });

  await createAuditTables(knex);
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['medical_claims', 'medical_patients', 'medical_households', 'portal_members', 'portal_session_logins', 'portal_sessions']) {
    await knex.schema.dropTableIfExists(table);
  }
  // The audit log is never dropped by a migration.
}
