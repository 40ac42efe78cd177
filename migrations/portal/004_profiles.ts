import type { Knex } from 'knex';

/**
 * 個人設定: a member's nickname, self-introduction and avatar, per union and subject. The avatar is
 * only ever the 256×256 WebP the portal encoded itself (portal/profile/avatar-image.ts), never an
 * uploaded file. Its version grows with every change and deletion, so a new picture gets a new URL.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('portal_profiles', (t) => {
    t.string('union_slug', 63).notNullable();
    t.string('sub', 255).notNullable();
    t.string('nickname', 20).nullable(); // characters (code points), as PostgreSQL counts them
    t.string('introduction', 400).nullable();
    t.binary('avatar').nullable(); // bytea / blob: the re-encoded WebP
    t.integer('avatar_version').notNullable().defaultTo(0);
    t.bigInteger('avatar_updated_at').nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.primary(['union_slug', 'sub']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('portal_profiles');
}
