import type { Knex } from 'knex';
import { migrationSet } from '../database.js';
import * as portal from './001_portal.js';
import * as myMail from './003_my_mail.js';

const migrations: Record<string, Knex.Migration> = {
  '001_portal': portal,
  '003_my_mail': myMail,
};

/** The portal's schema, in the portal's own database; its history has a table name of its own. */
export const portalMigrations = migrationSet(migrations, 'portal_migrations', 0x706f7274616c);
