import path from 'node:path';

/** Where the dry run writes each test's file and time: in the sandbox Stryker runs the tests in (the working directory). */
export const TEST_FILES_MAP = path.join(process.cwd(), '.stryker-test-files.jsonl');
