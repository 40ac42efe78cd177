// `npm run test:mutation` (scripts/mutation.mjs) runs StrykerJS once per group below, with
// STRYKER_GROUP set; README "Mutation testing". Not part of `npm test`: the browser-free suite runs
// once per group and then the tests covering each mutant, for every mutant — far more than CI allows.

import fs from 'node:fs';
import { availableParallelism } from 'node:os';

/** The security core, in groups that finish on their own: modules a wrong line of which would let someone in, or show them what is not theirs. */
export const groups = {
  'csv-guard': ['documents/csv-text.ts'],
  'backchannel-delivery': ['idp/oidc/backchannel-logout.ts'],
  'portal-logout': ['portal/session-logins.ts', 'portal/backchannel-logout.ts'],
  'medical-gate': ['portal/medical/access-token.ts', 'portal/medical/require-medical-token.ts', 'portal/medical/claims-repository.ts'],
  accounts: [
    'idp/accounts/lockout.ts', 'idp/accounts/login-throttle.ts', 'idp/accounts/one-time-links.ts',
    'idp/accounts/password-login.ts', 'idp/accounts/temporary-credentials.ts', 'idp/accounts/sessions.ts',
    'idp/accounts/session-ending.ts', 'idp/accounts/trusted-devices.ts', 'idp/oidc/session-lifetime.ts',
  ],
  'first-login-and-recovery': [
    'idp/interactions/steps/*.ts',
    'idp/recovery/cooldown.ts', 'idp/recovery/password-reset.ts', 'idp/recovery/user-id-recovery.ts', 'idp/recovery/request-guard.ts',
  ],
  'second-factors': ['idp/mfa/*.ts', '!idp/mfa/factor-notice.ts'],
};

/** Test files that drive Chromium (through test/helpers/e2e.ts or browser.ts): seconds per mutant each, left to `npm test`. */
function browserTests() {
  const files = ['unit', 'integration', 'security'].flatMap((dir) => fs.readdirSync(`test/${dir}`, { recursive: true })
    .filter((name) => name.endsWith('.test.ts')).map((name) => `test/${dir}/${name}`));
  return files.filter((file) => /from '\.\.\/helpers\/(e2e|browser)\.js'/.test(fs.readFileSync(file, 'utf8')));
}

const group = process.env.STRYKER_GROUP ?? 'csv-guard';
if (!groups[group]) throw new Error(`STRYKER_GROUP must be one of ${Object.keys(groups).join(', ')}`);
const out = `.stryker/${group}`;

export default {
  testRunner: 'jest',
  testRunnerNodeArgs: ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning'],
  // Browser-free tests by default: the unit, storage and attack tests cover the core; Chromium journeys add
  // minutes per mutant. STRYKER_TESTS (comma-separated globs) narrows them, e.g. to try one module quickly.
  jest: {
    configFile: 'jest.config.js',
    config: {
      testMatch: process.env.STRYKER_TESTS?.split(',') ?? ['<rootDir>/test/{unit,integration,security}/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', ...browserTests().map((file) => `/${file.replace(/\./g, '\\.')}$`)],
      // A mutant loads only the test files holding its covering tests, cheapest first, and stops at its
      // first failing test (scripts/mutation/).
      setupFilesAfterEnv: ['<rootDir>/scripts/mutation/record-test-files.mjs'],
      testSequencer: '<rootDir>/scripts/mutation/covering-tests-sequencer.mjs',
      // The name keeps "jest-circus": Stryker's per-test coverage accepts only runners so named.
      testRunner: '<rootDir>/scripts/mutation/jest-circus-with-bail.cjs',
    },
  },
  coverageAnalysis: 'perTest',
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: process.env.STRYKER_MUTATE ? process.env.STRYKER_MUTATE.split(',') : groups[group],
  thresholds: { high: 90, low: 80, break: 80 },
  // Twice the cores: a runner spends much of each test waiting on SQLite, SMTP and HTTP; on 2 vCPUs, 4
  // runners test several times as many mutants a minute as 2 did. STRYKER_CONCURRENCY overrides.
  concurrency: Number(process.env.STRYKER_CONCURRENCY ?? 2 * availableParallelism()),
  timeoutMS: 10_000,
  // The dry run is every browser-free test related to the group's files, one at a time: about 3 minutes here.
  dryRunTimeoutMinutes: 30,
  // Jest's ES-module registries grow with every run in one process (4 GB and a sevenfold slowdown
  // after about 1,400 mutants): a fresh runner now and then is cheaper.
  maxTestRunnerReuse: 40,
  // A mutant in module-level code would re-run every test for itself; these are constants and tables.
  ignoreStatic: true,
  // Incremental: a later run re-tests only mutants whose code or covering tests changed (`--force`: all).
  incremental: true,
  incrementalFile: `${out}/incremental.json`,
  tempDirName: '.stryker/tmp',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `${out}/mutation.html` },
  jsonReporter: { fileName: `${out}/mutation.json` },
  ignorePatterns: ['data', 'dist', '.test-results', '.stryker', 'coverage'],
  cleanTempDir: 'always',
  fileLogLevel: process.env.STRYKER_FILE_LOG ?? 'off',
};
