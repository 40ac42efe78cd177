#!/usr/bin/env node
// `npm test`: the whole suite on SQLite, then every storage-touching test (integration, security, e2e,
// conformance) and the scale-out tests on PostgreSQL; ends with one plain line "N passed, N failed" from jest's JSON output.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
// The Debian tools the tests use (and PostgreSQL): installed, or one line naming what is missing.
const tools = spawnSync('bash', [path.join(root, 'scripts/install-test-tools.sh')], { stdio: 'inherit', cwd: root });
if (tools.status !== 0) process.exit(tools.status ?? 1);
const outDir = path.join(root, '.test-results');
fs.mkdirSync(outDir, { recursive: true });
const extra = process.argv.slice(2);
const only = process.env.KENPO_TEST_DBS?.split(',') ?? ['sqlite', 'postgres'];

// test/scale-out runs several IdP processes on one database, which only PostgreSQL allows: its files
// make their own PostgreSQL database whatever KENPO_TEST_DB says, so they run once, in the second pass.
// Browser tests whose subject is the page, not what is stored — the English twins of journeys that run
// on both databases in Japanese, error and library pages, help and header pages whose storage has its
// own integration tests on both — run once, on SQLite.
const pagesOnly = ['first-login-english', 'account-console-english', 'portal-english', 'error-pages', 'library-pages', 'help-pages', 'portal-header-and-home']
  .map((name) => `<rootDir>/test/e2e/${name}\\.test\\.ts$`);
const runs = [
  { db: 'sqlite', paths: [], ignore: ['/node_modules/', '<rootDir>/test/scale-out/'] },
  { db: 'postgres', paths: ['test/integration', 'test/security', 'test/e2e', 'test/conformance', 'test/scale-out'], ignore: pagesOnly },
].filter((run) => only.includes(run.db));

let passed = 0;
let failed = 0;
for (const run of runs) {
  const outputFile = path.join(outDir, `${run.db}.json`);
  fs.rmSync(outputFile, { force: true });
  console.log(`\n=== jest on ${run.db} ===`);
  const result = spawnSync(process.execPath, [
    '--experimental-vm-modules', '--no-warnings=ExperimentalWarning',
    path.join(root, 'node_modules/jest/bin/jest.js'),
    // Ignore patterns last: jest reads every word after an array option as one more of its values.
    '--json', `--outputFile=${outputFile}`, ...run.paths, ...extra, ...run.ignore.map((p) => `--testPathIgnorePatterns=${p}`),
  ], { stdio: 'inherit', cwd: root, env: { ...process.env, KENPO_TEST_DB: run.db } });
  if (fs.existsSync(outputFile)) {
    const report = JSON.parse(fs.readFileSync(outputFile, 'utf8'));
    passed += report.numPassedTests;
    failed += report.numFailedTests + report.numRuntimeErrorTestSuites;
  } else {
    console.error(`jest on ${run.db} produced no report (exit ${result.status})`);
    failed += 1;
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
