import type { Knex } from 'knex';

/**
 * The portal's medical-expense data: households (by insurance card), the people in them and their
 * monthly claim rows. Imported from the union's claim files; times are epoch ms like 001_initial.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('medical_households', (t) => {
    t.increments('id');
    t.string('union_slug', 63).notNullable().references('slug').inTable('unions').onDelete('CASCADE');
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
    // Every statement query is "this household (or patient), these months".
    t.index(['household_id', 'service_month'], 'medical_claims_household_month_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['medical_claims', 'medical_patients', 'medical_households']) {
    await knex.schema.dropTableIfExists(table);
  }
}
