import type { Knex } from 'knex';
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

/**
 * Migrations are listed here rather than discovered on disk, so the same list runs from the
 * TypeScript sources (tests), the compiled output (production) and any bundler.
 */
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
};

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(migrations).sort(),
  getMigrationName: (name) => name,
  getMigration: async (name) => migrations[name],
};
