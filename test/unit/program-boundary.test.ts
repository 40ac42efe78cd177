import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../project/paths.js';

/**
 * The IdP and the portal are separate programs: neither imports the other's modules (nor its
 * migrations), and the neutral modules both use import neither. Only tokens and admin APIs cross.
 */
function sourcesUnder(dir: string): string[] {
  return fs.readdirSync(path.join(projectRoot, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourcesUnder(rel);
    return entry.name.endsWith('.ts') ? [rel] : [];
  });
}

/** Every relative module a file imports (static, dynamic and type-only), as project paths. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(projectRoot, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]);
  return specifiers.map((s) => path.normalize(path.join(path.dirname(file), s)));
}

const owner = (target: string): string | undefined =>
  ['idp', 'portal', 'migrations/idp', 'migrations/portal'].filter((p) => target === p || target.startsWith(`${p}/`)).at(-1);

const FORBIDDEN: Record<string, string[]> = {
  idp: ['portal', 'migrations/portal'],
  'migrations/idp': ['portal', 'migrations/portal'],
  portal: ['idp', 'migrations/idp'],
  'migrations/portal': ['idp', 'migrations/idp'],
  // Neutral code, used by both programs.
  audit: ['idp', 'portal', 'migrations/idp', 'migrations/portal'],
  documents: ['idp', 'portal', 'migrations/idp', 'migrations/portal'],
  project: ['idp', 'portal', 'migrations/idp', 'migrations/portal'],
  i18n: ['idp', 'portal', 'migrations/idp', 'migrations/portal'],
  net: ['idp', 'portal', 'migrations/idp', 'migrations/portal'],
  mail: ['idp', 'portal', 'migrations/idp', 'migrations/portal'],
};

test.each(Object.entries(FORBIDDEN))('nothing under %s/ imports from %j', (dir, forbidden) => {
  const crossings = sourcesUnder(dir)
    .flatMap((file) => importsOf(file).filter((target) => forbidden.includes(owner(target) ?? '')).map((target) => `${file} → ${target}`));
  expect(crossings).toEqual([]);
});

test('the check sees imports at all (a file that crosses would be found)', () => {
  expect(importsOf('portal/main.ts')).toContain('migrations/portal/index.js');
  expect(owner('idp/oidc/resources.js')).toBe('idp');
  expect(owner('migrations/portal/index.js')).toBe('migrations/portal');
});
