import type { Knex } from 'knex';
import { migrationSet } from '../database.js';
import * as initial from './001_initial.js';
import * as portalMedical from './002_portal_medical.js';
import * as firstLogin from './003_first_login.js';
import * as mfa from './004_mfa.js';
import * as accountConsole from './005_account_console.js';
import * as sessionsAndLogout from './006_sessions_and_logout.js';
import * as secondFactorSafety from './007_second_factor_safety.js';
import * as hashedModelKeys from './008_hashed_model_keys.js';
import * as auditChain from './009_audit_chain.js';
import * as recoveryCooldown from './010_recovery_cooldown.js';
import * as trustedDevices from './011_trusted_devices.js';
import * as backchannelOutbox from './012_backchannel_outbox.js';
import * as signingKeySchedule from './013_signing_key_schedule.js';
import * as portalTablesMoved from './014_portal_tables_moved.js';

const migrations: Record<string, Knex.Migration> = {
  '001_initial': initial,
  '002_portal_medical': portalMedical,
  '003_first_login': firstLogin,
  '004_mfa': mfa,
  '005_account_console': accountConsole,
  '006_sessions_and_logout': sessionsAndLogout,
  '007_second_factor_safety': secondFactorSafety,
  '008_hashed_model_keys': hashedModelKeys,
  '009_audit_chain': auditChain,
  '010_recovery_cooldown': recoveryCooldown,
  '011_trusted_devices': trustedDevices,
  '012_backchannel_outbox': backchannelOutbox,
  '013_signing_key_schedule': signingKeySchedule,
  '014_portal_tables_moved': portalTablesMoved,
};

/** The IdP's schema; its history keeps knex's default table name from before the portal moved out. */
export const idpMigrations = migrationSet(migrations, 'knex_migrations', 0x6b656e706f);
