import type { Knex } from 'knex';

const PORTAL_TABLES = ['medical_claims', 'medical_patients', 'medical_households', 'portal_session_logins', 'portal_sessions'];

/**
 * The portal now keeps its sessions and medical data in a database of its own (migrations/portal/),
 * so the IdP's database holds no medical data. Sessions are ephemeral; claims come from the union's
 * files and are imported again into the portal's database (README, "Moving to a separate portal
 * database").
 */
export async function up(knex: Knex): Promise<void> {
  for (const table of PORTAL_TABLES) await knex.schema.dropTableIfExists(table);
}

export async function down(): Promise<void> {
  throw new Error('014_portal_tables_moved cannot be undone: the portal tables live in the portal database now');
}
