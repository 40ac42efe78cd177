import type { Knex } from 'knex';
import { entryHash, GENESIS_HASH } from '../../audit/audit-chain.js';

/**
 * A tamper-evident audit log (issue 11):
 * - audit_log.seq / prev_hash / hash: each entry is chained to the previous entry of its union
 *   (idp/audit/audit-chain.ts); `npm run audit:verify` walks the chain.
 * - audit_heads: the last seq and hash of each union; recordAudit locks it while appending.
 * - PostgreSQL: TRUNCATE (which skips row triggers) is refused by a statement trigger; heads cannot
 *   be deleted.
 * Existing entries are chained here, in id order.
 */
export async function up(knex: Knex): Promise<void> {
  const pg = knex.client.config.client === 'pg';
  await knex.schema.alterTable('audit_log', (t) => {
    t.bigInteger('seq').nullable();
    t.string('prev_hash', 64).nullable();
    t.string('hash', 64).nullable();
  });
  await knex.schema.createTable('audit_heads', (t) => {
    t.string('union_slug', 63).primary();
    t.bigInteger('seq').notNullable();
    t.string('hash', 64).notNullable();
  });

  await withoutAppendOnly(knex, pg, () => chainExistingEntries(knex));
  await knex.schema.alterTable('audit_log', (t) => t.unique(['union_slug', 'seq']));

  if (pg) {
    await knex.raw(`CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`);
    await knex.raw(`CREATE FUNCTION audit_heads_permanent() RETURNS trigger AS $$
      BEGIN RAISE EXCEPTION 'audit_heads rows are permanent'; END; $$ LANGUAGE plpgsql`);
    await knex.raw(`CREATE TRIGGER audit_heads_no_delete BEFORE DELETE ON audit_heads
      FOR EACH ROW EXECUTE FUNCTION audit_heads_permanent()`);
    await knex.raw(`CREATE TRIGGER audit_heads_no_truncate BEFORE TRUNCATE ON audit_heads
      FOR EACH STATEMENT EXECUTE FUNCTION audit_heads_permanent()`);
  } else {
    await knex.raw(`CREATE TRIGGER audit_heads_no_delete BEFORE DELETE ON audit_heads
      BEGIN SELECT RAISE(ABORT, 'audit_heads rows are permanent'); END`);
  }
}

async function chainExistingEntries(knex: Knex): Promise<void> {
  const heads = new Map<string, { seq: number; hash: string }>();
  for (let after = 0; ;) {
    const rows = await knex('audit_log').where('id', '>', after).orderBy('id').limit(1000);
    if (!rows.length) break;
    for (const row of rows) {
      const head = heads.get(row.union_slug) ?? { seq: 0, hash: GENESIS_HASH };
      const seq = head.seq + 1;
      const hash = entryHash(head.hash, { ...row, seq });
      await knex('audit_log').where({ id: row.id }).update({ seq, prev_hash: head.hash, hash });
      heads.set(row.union_slug, { seq, hash });
      after = Number(row.id);
    }
  }
  for (const [unionSlug, head] of heads) await knex('audit_heads').insert({ union_slug: unionSlug, ...head });
}

/** The append-only triggers of 001_initial, lifted while the migration itself writes the chain. */
async function withoutAppendOnly(knex: Knex, pg: boolean, work: () => Promise<void>): Promise<void> {
  if (pg) {
    await knex.raw('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
    await work();
    await knex.raw('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
    return;
  }
  await knex.raw('DROP TRIGGER audit_log_no_update');
  await work();
  await knex.raw(`CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`);
}

export async function down(knex: Knex): Promise<void> {
  if (knex.client.config.client === 'pg') {
    await knex.raw('DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log');
    await knex.raw('DROP FUNCTION IF EXISTS audit_heads_permanent() CASCADE');
  }
  await knex.schema.dropTableIfExists('audit_heads');
  await knex.schema.alterTable('audit_log', (t) => {
    t.dropUnique(['union_slug', 'seq']);
    t.dropColumn('hash');
    t.dropColumn('prev_hash');
    t.dropColumn('seq');
  });
}
