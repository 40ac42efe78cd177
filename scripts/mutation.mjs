#!/usr/bin/env node
// `npm run test:mutation [-- group… ] [-- --force]`: StrykerJS on the security core, one run per group of
// stryker.config.mjs (each incremental: only what changed is tested again), then one summary of every
// group's latest report and the mutation score of the whole core. Exits 1 below the break threshold.
// `-- --summary`: the summary alone, from the reports already there.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import config, { groups } from '../stryker.config.mjs';

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const args = process.argv.slice(2);
const chosen = args.filter((a) => !a.startsWith('-'));
const summaryOnly = args.includes('--summary');
const strykerArgs = args.filter((a) => a.startsWith('-') && a !== '--summary');
const unknown = chosen.filter((g) => !groups[g]);
if (unknown.length > 0) {
  console.error(`unknown group ${unknown.join(', ')}; groups: ${Object.keys(groups).join(', ')}`);
  process.exit(2);
}

const minutes = new Map();
for (const group of summaryOnly ? [] : chosen.length > 0 ? chosen : Object.keys(groups)) {
  console.log(`\n== mutation testing: ${group} ==`);
  const started = Date.now();
  // A group below the threshold exits 1; the others still run, and the summary decides.
  spawnSync('npx', ['stryker', 'run', ...strykerArgs], { cwd: root, stdio: 'inherit', env: { ...process.env, STRYKER_GROUP: group } });
  minutes.set(group, (Date.now() - started) / 60_000);
}

/** Stryker's score: detected (killed, timed out) over valid mutants (invalid: compile and runtime errors; ignored: static). */
function tally(report) {
  const t = { killed: 0, timeout: 0, survived: 0, noCoverage: 0, invalid: 0 };
  const key = { Killed: 'killed', Timeout: 'timeout', Survived: 'survived', NoCoverage: 'noCoverage', CompileError: 'invalid', RuntimeError: 'invalid' };
  for (const file of Object.values(report.files)) for (const m of file.mutants) if (key[m.status]) t[key[m.status]] += 1;
  return { ...t, detected: t.killed + t.timeout, valid: t.killed + t.timeout + t.survived + t.noCoverage };
}

const pct = (detected, valid) => (valid === 0 ? 'n/a' : `${((100 * detected) / valid).toFixed(2)} %`);
console.log('\n| group | score | killed | timed out | survived | no coverage | compile errors | minutes (this run) |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
let detected = 0;
let valid = 0;
let complete = true;
for (const group of Object.keys(groups)) {
  const took = minutes.has(group) ? minutes.get(group).toFixed(1) : '—';
  // The incremental report: the same results as mutation.json, and the one kept in git, so the score
  // and the next incremental run survive a fresh clone.
  const report = path.join(root, '.stryker', group, 'incremental.json');
  if (!fs.existsSync(report)) {
    complete = false;
    console.log(`| ${group} | not run yet | | | | | | ${took} |`);
    continue;
  }
  const t = tally(JSON.parse(fs.readFileSync(report, 'utf8')));
  detected += t.detected;
  valid += t.valid;
  console.log(`| ${group} | ${pct(t.detected, t.valid)} | ${t.killed} | ${t.timeout} | ${t.survived} | ${t.noCoverage} | ${t.invalid} | ${took} |`);
}
const score = valid === 0 ? 0 : (100 * detected) / valid;
console.log(`| **${complete ? 'security core' : 'groups run so far'}** | **${pct(detected, valid)}** | | | | | | |`);
console.log(`\nmutation score ${score.toFixed(2)} % (break threshold ${config.thresholds.break} %)${complete ? '' : '; some groups have not run yet'}`);
process.exitCode = complete && score >= config.thresholds.break ? 0 : 1;
