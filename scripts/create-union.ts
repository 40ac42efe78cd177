import { saveUnion, SLUG_PATTERN } from '../idp/unions/union-repository.js';
import { fail, startCli } from './cli.js';

const usage = `Creates or updates a union (tenant); its issuer is <IDP_BASE_URL>/u/<slug>.

  npm run union:create -- --slug kawasaki --name 川崎汽船健康保険組合 --insurer 06139999 [--settings '{"lockoutThreshold":11}']`;

const { values, db, config } = await startCli(usage, {
  slug: { type: 'string' }, name: { type: 'string' }, insurer: { type: 'string' }, settings: { type: 'string' },
});
const slug = String(values.slug ?? '');
if (!SLUG_PATTERN.test(slug)) fail(`--slug must be lower-case letters, digits and hyphens\n\n${usage}`);
if (!values.name) fail(`--name is required\n\n${usage}`);
if (!/^\d{8}$/.test(String(values.insurer ?? ''))) fail(`--insurer must be the 8-digit insurer number\n\n${usage}`);
let settings: object | undefined;
try {
  settings = values.settings ? JSON.parse(String(values.settings)) : undefined;
} catch {
  fail('--settings must be JSON');
}
const union = await saveUnion(db, { slug, name: String(values.name), insurerNumber: String(values.insurer), settings });
console.log(`union ${union.slug} (${union.name}) saved; issuer ${config.baseUrl}/u/${union.slug}`);
await db.destroy();
