import { recordAudit } from '../audit/audit-log.js';
import {
  DEFAULT_PUBLISH_SECONDS, listSigningKeys, MIN_PUBLISH_SECONDS, rotateSigningKey, rotationTiming, RotationPendingError, SIGNED_TOKEN_SECONDS,
} from '../idp/oidc/signing-keys.js';
import { SecretBox } from '../idp/security/encryption.js';
import { findUnion } from '../idp/unions/union-repository.js';
import { fail, startCli } from './cli.js';

const usage = `Rotates a union's signing key, or lists its keys. The new key is published in the JWKS at once and
starts signing after --publish-seconds (default ${DEFAULT_PUBLISH_SECONDS}, at least ${MIN_PUBLISH_SECONDS}); the key signing until then
stays published --retire-after-seconds longer (default: the union's longest IdP session; at least
${SIGNED_TOKEN_SECONDS}). Running IdP processes follow within seconds; nothing needs a restart.

  npm run keys:rotate -- --union kawasaki [--publish-seconds 3600] [--retire-after-seconds 2592000]
  npm run keys:rotate -- --union kawasaki --list`;

const { values, db, config } = await startCli(usage, {
  union: { type: 'string' }, list: { type: 'boolean' }, 'publish-seconds': { type: 'string' }, 'retire-after-seconds': { type: 'string' },
});
const union = await findUnion(db, String(values.union ?? '')) ?? fail(`--union must name an existing union\n\n${usage}`);

function seconds(flag: string, min: number): number | undefined {
  const value = values[flag];
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) fail(`--${flag} must be a whole number of seconds, at least ${min}`);
  return n;
}

const when = (ms: number | null) => (ms === null ? '—' : new Date(ms).toISOString());
if (!values.list) {
  const timing = rotationTiming(union, { publishSeconds: seconds('publish-seconds', MIN_PUBLISH_SECONDS), retireAfterSeconds: seconds('retire-after-seconds', SIGNED_TOKEN_SECONDS) });
  try {
    const { next, previous } = await rotateSigningKey(db, union.slug, new SecretBox(config.dataEncryptionKey), timing);
    await recordAudit(db, {
      unionSlug: union.slug, actor: 'operator:keys-rotate', action: 'keys.rotate', target: next.kid, outcome: 'success',
      detail: { ...timing, previous: previous.kid, activatesAt: next.activatesAt, previousRetiresAt: previous.retiresAt },
    });
    console.log(`key ${next.kid} published; it signs from ${when(next.activatesAt)}; ${previous.kid} leaves the JWKS at ${when(previous.retiresAt)}`);
  } catch (err) {
    if (!(err instanceof RotationPendingError)) throw err;
    await db.destroy();
    fail(`not rotated: ${err.message}`);
  }
}
for (const key of await listSigningKeys(db, union.slug)) {
  console.log(`${key.state.padEnd(8)}  ${key.kid}  signs from ${when(key.activatesAt)}  leaves the JWKS ${when(key.retiresAt)}`);
}
await db.destroy();
