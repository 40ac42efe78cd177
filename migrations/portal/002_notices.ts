import type { Knex } from 'knex';

/**
 * お知らせ: the union's news and maintenance notices (published through the admin API), and which
 * member has read which. A notice is never deleted: withdrawing it keeps the row, so its reads and
 * the audit entries that name it stay meaningful. Times are epoch ms.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('notices', (t) => {
    t.increments('id');
    t.string('union_slug', 63).notNullable();
    t.string('kind', 16).notNullable(); // news | maintenance
    t.string('audience', 16).notNullable(); // all | insured (被保険者) | dependants (被扶養者)
    t.string('title', 100).notNullable();
    t.text('body').notNullable(); // plain text; links are found when it is shown, never stored as HTML
    t.bigInteger('publish_from').notNullable();
    t.bigInteger('publish_to').nullable();
    // The announced maintenance window (maintenance notices only).
    t.bigInteger('window_start').nullable();
    t.bigInteger('window_end').nullable();
    t.string('created_by', 255).notNullable(); // the admin client id
    t.bigInteger('created_at').notNullable();
    t.string('updated_by', 255).notNullable();
    t.bigInteger('updated_at').notNullable();
    t.bigInteger('withdrawn_at').nullable();
    t.string('withdrawn_by', 255).nullable();
    // Members' lists: this union's notices by publication date.
    t.index(['union_slug', 'publish_from'], 'notices_union_publish_idx');
  });
  await knex.schema.createTable('notice_reads', (t) => {
    t.string('union_slug', 63).notNullable();
    t.string('sub', 255).notNullable();
    t.integer('notice_id').notNullable().references('id').inTable('notices');
    t.bigInteger('read_at').notNullable();
    t.primary(['union_slug', 'sub', 'notice_id']);
    t.index(['notice_id'], 'notice_reads_notice_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('notice_reads');
  await knex.schema.dropTableIfExists('notices');
}
