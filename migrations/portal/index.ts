import type { Knex } from 'knex';
import { migrationSet } from '../database.js';
import * as portal from './001_portal.js';
import * as notices from './002_notices.js';
import * as myMail from './003_my_mail.js';
import * as profiles from './004_profiles.js';
import * as notificationOutbox from './005_notification_outbox.js';
import * as homeTilesAndHelp from './006_home_tiles_and_help.js';

const migrations: Record<string, Knex.Migration> = {
  '001_portal': portal,
  '002_notices': notices,
  '003_my_mail': myMail,
  '004_profiles': profiles,
  '005_notification_outbox': notificationOutbox,
  '006_home_tiles_and_help': homeTilesAndHelp,
};

/** The portal's schema, in the portal's own database; its history has a table name of its own. */
export const portalMigrations = migrationSet(migrations, 'portal_migrations', 0x706f7274616c);
