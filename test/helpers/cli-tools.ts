/**
 * Independent command-line tools the export tests check files with (Debian packages: libxml2-utils for
 * xmllint, xmlsec1, openssl, poppler-utils for pdftotext/pdffonts, zbar-tools for zbarimg). `.ci/run` installs them;
 * a missing one fails the test with its package's name rather than skipping it.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function run(command: string, args: string[], input?: string | Buffer): RunResult {
  const result = spawnSync(command, args, { input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw new Error(`${command}: ${result.error.message} (is its Debian package installed?)`);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A temporary folder removed by the returned function. */
export function tempDir(prefix: string): { dir: string; file: (name: string) => string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, file: (name) => path.join(dir, name), remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
