#!/usr/bin/env node
// Installs the locked dependencies when they are missing or older than the lock file, so that
// `npm run demo` and `npm test` are the only two commands a fresh clone needs.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const marker = path.join(root, 'node_modules', '.package-lock.json');
const lock = path.join(root, 'package-lock.json');
const stale = !fs.existsSync(marker) || fs.statSync(marker).mtimeMs < fs.statSync(lock).mtimeMs;
if (stale) {
  // `npm ci`: exactly the lock file, which it never rewrites (`npm install` did, leaving a fresh clone
  // dirty). Checked on this machine's registry: `npm ci` succeeds on a fresh clone — the lock's
  // optional binaries for other platforms are only skipped, never fetched.
  console.log('Installing the locked dependencies with npm ci (sqlite3 builds from source; about 2 minutes on 2 cores)…');
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
