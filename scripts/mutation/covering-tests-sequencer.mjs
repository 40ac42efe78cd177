// Stryker runs a mutant's covering tests by name (--testNamePattern) among every test file related to the
// mutated module — here nearly all of them, each importing the whole IdP and portal before Jest knows
// none of its tests is wanted. This sequencer keeps only the files holding a wanted test, using the map
// record-test-files.mjs and jest-circus-with-bail.cjs wrote in the dry run, the cheapest first (set-up
// included; with jest-circus-with-bail.cjs the first failing file ends the run): the same tests decide, a
// fraction of the files load.
import crypto from 'node:crypto';
import fs from 'node:fs';
import Sequencer from '@jest/test-sequencer';
import { TEST_FILES_MAP } from './test-files-map.mjs';

export default class CoveringTestsSequencer extends Sequencer {
  constructor(options) {
    super(options);
    this.pattern = options.globalConfig.testNamePattern;
  }

  sort(tests) {
    process.env.KENPO_MUTANT_RUN = crypto.randomUUID();
    if (!this.pattern || !fs.existsSync(TEST_FILES_MAP)) return super.sort(tests);
    const wanted = new RegExp(this.pattern, 'i');
    // Per file: its whole time in the dry run, all its tests' time, and the wanted tests' time. What running
    // the wanted ones costs is the file's set-up (the first two apart) plus their own time.
    const whole = new Map();
    const allTests = new Map();
    const covering = new Map();
    const add = (map, file, ms) => map.set(file, (map.get(file) ?? 0) + ms);
    for (const line of fs.readFileSync(TEST_FILES_MAP, 'utf8').split('\n')) {
      if (!line) continue;
      const [name, file, ms] = JSON.parse(line);
      if (name === null) add(whole, file, ms);
      else {
        add(allTests, file, ms);
        if (wanted.test(name)) add(covering, file, ms);
      }
    }
    const cost = (file) => Math.max(0, (whole.get(file) ?? 0) - (allTests.get(file) ?? 0)) + covering.get(file);
    return tests.filter((test) => covering.has(test.path)).sort((a, b) => cost(a.path) - cost(b.path));
  }
}
