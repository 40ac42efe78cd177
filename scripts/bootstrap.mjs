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
  // `npm install` rather than `npm ci`: registry mirrors without other platforms' optional binaries
  // (e.g. jest's resolver bindings for macOS/Windows) make `npm ci` refuse an otherwise exact lock file.
  console.log('Installing dependencies (sqlite3 builds from source, about 2 minutes)…');
  const result = spawnSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
