import type { Knex } from 'knex';

/**
 * The tables of a tamper-evident audit log (audit-log.ts appends, audit-verify.ts checks), for a
 * program whose database starts with them. The database itself refuses to rewrite history: UPDATE,
 * DELETE and TRUNCATE of entries, and DELETE of a union's chain head. (The IdP's database reached
 * the same shape through its own migration history.)
 */
export async function createAuditTables(knex: Knex): Promise<void> {
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
    t.bigInteger('seq').nullable();
    t.string('prev_hash', 64).nullable();
    t.string('hash', 64).nullable();
    t.unique(['union_slug', 'seq']);
    t.index(['union_slug', 'at']);
    t.index(['union_slug', 'target']);
  });
  await knex.schema.createTable('audit_heads', (t) => {
    t.string('union_slug', 63).primary();
    t.bigInteger('seq').notNullable();
    t.string('hash', 64).notNullable();
  });
  if (knex.client.config.client === 'pg') {
    await knex.raw(`CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
      BEGIN RAISE EXCEPTION 'audit_log is append-only'; END; $$ LANGUAGE plpgsql`);
    await knex.raw(`CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`);
    await knex.raw(`CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`);
    await knex.raw(`CREATE FUNCTION audit_heads_permanent() RETURNS trigger AS $$
      BEGIN RAISE EXCEPTION 'audit_heads rows are permanent'; END; $$ LANGUAGE plpgsql`);
    await knex.raw(`CREATE TRIGGER audit_heads_no_delete BEFORE DELETE ON audit_heads
      FOR EACH ROW EXECUTE FUNCTION audit_heads_permanent()`);
    await knex.raw(`CREATE TRIGGER audit_heads_no_truncate BEFORE TRUNCATE ON audit_heads
      FOR EACH STATEMENT EXECUTE FUNCTION audit_heads_permanent()`);
  } else {
    for (const op of ['UPDATE', 'DELETE']) {
      await knex.raw(`CREATE TRIGGER audit_log_no_${op.toLowerCase()} BEFORE ${op} ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`);
    }
    await knex.raw(`CREATE TRIGGER audit_heads_no_delete BEFORE DELETE ON audit_heads
      BEGIN SELECT RAISE(ABORT, 'audit_heads rows are permanent'); END`);
  }
}
