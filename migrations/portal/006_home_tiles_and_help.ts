import type { Knex } from 'knex';

/**
 * What a union configures for its members' pages through the portal admin API: the service tiles of
 * the top page (after the built-in 医療費情報), and its own ご利用案内・よくある質問 per language, which
 * replace the defaults for that language and kind. Plain text only; the pages escape it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('portal_tiles', (t) => {
    t.string('union_slug', 63).notNullable();
    t.string('id', 40).notNullable();
    t.integer('position').notNullable();
    t.string('label_ja', 40).notNullable();
    t.string('label_en', 40).nullable();
    t.string('description_ja', 100).nullable();
    t.string('description_en', 100).nullable();
    t.string('url', 2000).notNullable(); // https://… or a site path /…, checked by portal/home/tiles.ts
    t.bigInteger('updated_at').notNullable();
    t.primary(['union_slug', 'id']);
  });
  await knex.schema.createTable('help_articles', (t) => {
    t.string('union_slug', 63).notNullable();
    t.string('locale', 8).notNullable(); // ja | en
    t.string('kind', 8).notNullable(); // guide | faq
    t.string('article_id', 40).notNullable();
    t.integer('position').notNullable();
    t.string('title', 100).notNullable();
    t.text('body').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.primary(['union_slug', 'locale', 'kind', 'article_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('help_articles');
  await knex.schema.dropTableIfExists('portal_tiles');
}
