import type { Knex } from 'knex';

/**
 * oidc_models rows of bearer-like models (tokens, codes, sessions, interactions…) are now keyed by
 * HMAC-SHA256(server key, model + id) instead of the raw token value (issue 11). A migration cannot
 * compute that hash (the key is not in the database), so rows keyed the old way are deleted: members
 * log in again once and relying parties' refresh tokens end. Clients and Grants keep raw ids and stay.
 */
export async function up(knex: Knex): Promise<void> {
  await knex('oidc_models').whereNotIn('model', ['Client', 'Grant']).delete();
  // The browsers behind sessions that no longer exist.
  await knex('session_devices').delete();
}

export async function down(): Promise<void> {
  // Nothing to restore: the deleted rows were short-lived and cannot be rebuilt.
}
