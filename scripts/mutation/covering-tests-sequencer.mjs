// Stryker runs a mutant's covering tests by name (--testNamePattern) among every test file related to the
// mutated module — here nearly all of them, each importing the whole IdP and portal before Jest knows
// none of its tests is wanted. This sequencer keeps only the files holding a wanted test, using the map
// record-test-files.mjs wrote in the dry run, the quickest first (with jest-circus-with-bail.cjs the first failing
// file ends the run): the same tests decide, a fraction of the files load.
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
    const millis = new Map();
    for (const line of fs.readFileSync(TEST_FILES_MAP, 'utf8').split('\n')) {
      if (!line) continue;
      const [name, file, ms] = JSON.parse(line);
      if (wanted.test(name)) millis.set(file, (millis.get(file) ?? 0) + ms);
    }
    return tests.filter((test) => millis.has(test.path)).sort((a, b) => millis.get(a.path) - millis.get(b.path));
  }
}
