// `npm run test:mutation`: StrykerJS on the security core (README "Mutation testing"). Not part of
// `npm test`: it runs the storage and attack tests once per mutant and takes far longer than CI allows.
/** The modules a wrong line of which would let someone in, or show them what is not theirs. */
const securityCore = [
  'idp/accounts/lockout.ts', 'idp/accounts/login-throttle.ts', 'idp/accounts/one-time-links.ts',
  'idp/accounts/password-login.ts', 'idp/accounts/temporary-credentials.ts', 'idp/accounts/sessions.ts',
  'idp/accounts/session-ending.ts', 'idp/accounts/trusted-devices.ts', 'idp/oidc/session-lifetime.ts',
  'idp/mfa/*.ts', '!idp/mfa/factor-notice.ts',
  'idp/interactions/steps/*.ts',
  'idp/recovery/cooldown.ts', 'idp/recovery/password-reset.ts', 'idp/recovery/user-id-recovery.ts', 'idp/recovery/request-guard.ts',
  'idp/oidc/backchannel-logout.ts',
  'portal/medical/access-token.ts', 'portal/medical/require-medical-token.ts', 'portal/medical/claims-repository.ts',
  'portal/session-logins.ts', 'portal/backchannel-logout.ts',
  'documents/csv-text.ts',
];

export default {
  testRunner: 'jest',
  testRunnerNodeArgs: ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning'],
  // Browser-free tests only: the unit, storage and attack tests cover the core; Chromium journeys add minutes per mutant.
  // STRYKER_TESTS (comma-separated globs) narrows the tests, e.g. to try one module quickly.
  jest: {
    configFile: 'jest.config.js',
    config: { testMatch: process.env.STRYKER_TESTS?.split(',') ?? ['<rootDir>/test/{unit,integration,security}/**/*.test.ts'] },
  },
  coverageAnalysis: 'perTest',
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: process.env.STRYKER_MUTATE ? process.env.STRYKER_MUTATE.split(',') : securityCore,
  thresholds: { high: 90, low: 80, break: 80 },
  concurrency: Number(process.env.STRYKER_CONCURRENCY ?? 2),
  timeoutMS: 30_000,
  // The dry run is the whole browser-free suite once, without parallel jest workers: minutes, not seconds.
  dryRunTimeoutMinutes: 30,
  // A mutant in module-level code would re-run every test for itself; these are constants and tables.
  ignoreStatic: true,
  incremental: true,
  incrementalFile: '.stryker/incremental.json',
  tempDirName: '.stryker/tmp',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: '.stryker/report/mutation.html' },
  jsonReporter: { fileName: '.stryker/report/mutation.json' },
  ignorePatterns: ['data', 'dist', '.test-results', '.stryker', 'coverage'],
  cleanTempDir: 'always',
};
