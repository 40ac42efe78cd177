import type { Knex } from 'knex';

/**
 * MYメール: messages the union addresses to one person by their card (記号・番号・枝番), whether or not
 * they have logged in to the portal yet, and the thread of the union's and the member's replies.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('member_messages', (t) => {
    t.bigIncrements('id');
    t.string('union_slug', 63).notNullable();
    t.string('kigo', 32).notNullable();
    t.string('bango', 32).notNullable();
    t.string('edaban', 2).notNullable();
    t.string('subject', 100).notNullable();
    t.text('body').notNullable();
    t.boolean('reply_requested').notNullable().defaultTo(false); // 要返信
    t.string('created_by', 255).notNullable(); // the admin client id
    t.bigInteger('created_at').notNullable();
    // Read state as counters, not times: the message and each union answer raise union_version; opening
    // the page lowers nothing it has not shown (read_version = the version rendered), so no answer
    // arriving while the page loads is ever marked read unseen.
    t.integer('union_version').notNullable().defaultTo(1);
    t.integer('read_version').notNullable().defaultTo(0);
    t.bigInteger('read_at').nullable(); // when the member last opened it
    t.string('last_entry_by', 6).notNullable().defaultTo('union'); // union | member: who spoke last
    t.bigInteger('last_entry_at').notNullable();
    // The member's list and unread count: this card's messages, newest first.
    t.index(['union_slug', 'kigo', 'bango', 'edaban', 'created_at'], 'member_messages_card_idx');
    t.index(['union_slug', 'created_at'], 'member_messages_union_idx');
  });
  await knex.schema.createTable('member_message_entries', (t) => {
    t.bigIncrements('id');
    t.bigInteger('message_id').unsigned().notNullable().references('id').inTable('member_messages').onDelete('CASCADE');
    t.string('author', 6).notNullable(); // union | member
    t.string('author_id', 255).notNullable(); // admin client id, or the member's sub
    t.text('text').notNullable();
    t.bigInteger('created_at').notNullable();
    // A member's reply until the union answers the thread: GET /replies?unanswered=true.
    t.bigInteger('answered_at').nullable();
    t.index(['message_id', 'id'], 'member_message_entries_thread_idx');
    t.index(['author', 'answered_at'], 'member_message_entries_unanswered_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('member_message_entries');
  await knex.schema.dropTableIfExists('member_messages');
}
