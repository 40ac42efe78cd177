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
const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);
const count = (mutants, statuses) => mutants.filter((m) => statuses.has(m.status)).length;
const rows = [];
for (const group of Object.keys(groups)) {
  const report = path.join(root, '.stryker', group, 'mutation.json');
  if (!fs.existsSync(report)) {
    rows.push([group, 'not run yet']);
    continue;
  }
  const mutants = Object.values(JSON.parse(fs.readFileSync(report, 'utf8')).files).flatMap((f) => f.mutants);
  const tally = {
    killed: count(mutants, new Set(['Killed'])), timeout: count(mutants, new Set(['Timeout'])),
    survived: count(mutants, new Set(['Survived'])), noCoverage: count(mutants, new Set(['NoCoverage'])),
    invalid: count(mutants, new Set(['CompileError', 'RuntimeError'])),
  };
  rows.push([group, tally, count(mutants, DETECTED), count(mutants, DETECTED) + count(mutants, UNDETECTED)]);
}

const pct = (detected, valid) => (valid === 0 ? 'n/a' : `${((100 * detected) / valid).toFixed(2)} %`);
console.log('\n| group | score | killed | timed out | survived | no coverage | compile errors | minutes (this run) |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
let detected = 0;
let valid = 0;
let complete = true;
for (const [group, tally, d, v] of rows) {
  const took = minutes.has(group) ? minutes.get(group).toFixed(1) : '—';
  if (typeof tally === 'string') {
    complete = false;
    console.log(`| ${group} | ${tally} | | | | | | ${took} |`);
    continue;
  }
  detected += d;
  valid += v;
  console.log(`| ${group} | ${pct(d, v)} | ${tally.killed} | ${tally.timeout} | ${tally.survived} | ${tally.noCoverage} | ${tally.invalid} | ${took} |`);
}
const score = valid === 0 ? 0 : (100 * detected) / valid;
console.log(`| **${complete ? 'security core' : 'groups run so far'}** | **${pct(detected, valid)}** | | | | | | |`);
console.log(`\nmutation score ${score.toFixed(2)} % (break threshold ${config.thresholds.break} %)${complete ? '' : '; some groups have not run yet'}`);
process.exitCode = complete && score >= config.thresholds.break ? 0 : 1;
