// Jest's bail is not available to Stryker (jest-runner runs Jest through its API), so every covering test
// file of a mutant ran, each importing the whole IdP and portal, long after the first had killed it. This
// wraps Jest's own test runner: in a mutant run, once a file has a failing test, the files after it are
// not even loaded (one skipped entry each, as Jest needs one result per file). The mutant is killed
// either way. covering-tests-sequencer.mjs names each run (Stryker may run a mutant again).
const fs = require('node:fs');
const path = require('node:path');
const { createEmptyTestResult } = require('@jest/test-result');
const circus = require('jest-circus/runner').default;

// test-files-map.mjs's file, which this CommonJS module cannot import: the whole file's time in the dry run.
const TEST_FILES_MAP = path.join(process.cwd(), '.stryker-test-files.jsonl');

const killedRuns = new Set();

module.exports = async function bailingRunner(globalConfig, config, environment, runtime, testPath, sendMessageToJest) {
  const run = process.env.__STRYKER_ACTIVE_MUTANT__ && process.env.KENPO_MUTANT_RUN;
  if (run && killedRuns.has(run)) {
    return {
      ...createEmptyTestResult(),
      testFilePath: testPath,
      numPendingTests: 1,
      skipped: true,
      testResults: [{
        ancestorTitles: [], duration: 0, failureDetails: [], failureMessages: [], fullName: `${testPath} (not run: the mutant is killed)`,
        numPassingAsserts: 0, status: 'pending', title: 'not run: the mutant is killed', location: null, invocations: 0,
      }],
    };
  }
  const started = Date.now();
  const result = await circus(globalConfig, config, environment, runtime, testPath, sendMessageToJest);
  if (run && result.numFailingTests > 0) killedRuns.add(run);
  // The dry run (a Stryker run without a mutant): the file's time, its set-up included (no test name).
  if (!process.env.__STRYKER_ACTIVE_MUTANT__) {
    fs.appendFileSync(TEST_FILES_MAP, `${JSON.stringify([null, testPath, Date.now() - started])}\n`);
  }
  return result;
};
