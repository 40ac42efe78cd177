import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../../project/paths.js';
import { ensureBuilt } from '../helpers/production-stack.js';

/** The operator CLIs as an operator runs them (compiled): a missing setting is one line, exit 2, no stack trace. */
beforeAll(async () => { await ensureBuilt(); }, 180_000);

const { COOKIE_KEYS: _c, DATA_ENCRYPTION_KEY: _d, DATABASE_URL: _u, ...withoutSettings } = process.env;

test.each([
  ['create-client.js', ['--union', 'demo', '--admin']],
  ['create-union.js', ['--slug', 'demo', '--name', 'デモ', '--insurer', '06139999']],
  ['rotate-key.js', ['--union', 'demo']],
])('%s without COOKIE_KEYS answers one line', (script, args) => {
  const result = spawnSync(process.execPath, [path.join(projectRoot, 'dist/scripts', script), ...args], {
    cwd: projectRoot, encoding: 'utf8', env: { ...withoutSettings, DATABASE_URL: path.join(projectRoot, 'data', 'never-opened.sqlite') },
  });
  expect(result.status).toBe(2);
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^COOKIE_KEYS is required/);
  expect(result.stdout).toBe('');
});
