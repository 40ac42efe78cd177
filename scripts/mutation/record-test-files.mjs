// Stryker's dry run only (its coverage object is there, no mutant is active): notes which file each test
// is in and how long it took, so that covering-tests-sequencer.mjs can run a mutant's covering tests
// without loading every other related test file, cheapest first. Jest's test ids (full names) carry no file.
import fs from 'node:fs';
import { TEST_FILES_MAP } from './test-files-map.mjs';

if (globalThis.__stryker__ && !process.env.__STRYKER_ACTIVE_MUTANT__) {
  let started = 0;
  beforeEach(() => { started = Date.now(); });
  afterEach(() => {
    const { currentTestName, testPath } = expect.getState();
    fs.appendFileSync(TEST_FILES_MAP, `${JSON.stringify([currentTestName, testPath, Date.now() - started])}\n`);
  });
}
