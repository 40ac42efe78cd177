// Jest's bail is not available to Stryker (jest-runner runs Jest through its API), so every covering
// test of a mutant ran even after the first had killed it. In a mutant run, once a test has failed, the
// tests after it are skipped, and the files after it skip their set-up too: the mutant is killed either way.
// covering-tests-sequencer.mjs clears the mark at the start of each run.
const fs = require('node:fs');
const path = require('node:path');
const { TestEnvironment } = require('jest-environment-node');

// Stryker's test runners share one sandbox: each process keeps its own mark, naming the mutant.
const FAILED_MARK = path.join(process.cwd(), `.stryker-mutant-failed-${process.pid}`);
const killed = (mutant) => fs.existsSync(FAILED_MARK) && fs.readFileSync(FAILED_MARK, 'utf8') === mutant;

function skipAll(block) {
  for (const child of block.children) {
    if (child.type === 'test') child.mode = 'skip';
    else skipAll(child);
  }
}

class BailEnvironment extends TestEnvironment {
  async handleTestEvent(event, state) {
    const mutant = process.env.__STRYKER_ACTIVE_MUTANT__;
    if (!mutant) return;
    if (event.name === 'run_start' && killed(mutant)) skipAll(state.rootDescribeBlock);
    if (event.name === 'test_start' && killed(mutant)) event.test.mode = 'skip';
    if (event.name === 'test_done' && event.test.errors.length > 0) fs.writeFileSync(FAILED_MARK, mutant);
  }
}

module.exports = BailEnvironment;
module.exports.FAILED_MARK = FAILED_MARK;
