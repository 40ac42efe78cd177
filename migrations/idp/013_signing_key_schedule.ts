import type { Knex } from 'knex';

/**
 * Signing-key rotation (issue 13): a key is published before it signs. `activates_at` is when a key
 * starts signing (earlier keys stay published, verifying what they signed); `retired_at`, which may
 * lie in the future, is when it leaves the JWKS. Times are epoch milliseconds.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('signing_keys', (t) => {
    t.bigInteger('activates_at').nullable();
  });
  await knex('signing_keys').update({ activates_at: knex.ref('created_at') });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('signing_keys', (t) => {
    t.dropColumn('activates_at');
  });
}
