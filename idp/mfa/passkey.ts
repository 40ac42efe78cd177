import {
  generateAuthenticationOptions, generateRegistrationOptions, verifyAuthenticationResponse, verifyRegistrationResponse,
  type AuthenticationResponseJSON, type AuthenticatorTransport, type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { recordAudit } from '../../audit/audit-log.js';
import { addCredential, advanceCounter, DuplicateCredentialError, listCredentials, touchCredential } from './credentials.js';
import { saveChallenge, takeChallenge } from './challenges.js';
import type { FactorCheck, MfaContext } from './context.js';

const CHALLENGE_TTL_MS = 5 * 60_000;

/** The union's WebAuthn relying party: its issuer's host and origin. */
function relyingParty(ctx: MfaContext) {
  const url = new URL(ctx.issuerUrl);
  return { rpID: url.hostname, origin: url.origin };
}

const transportsOf = (data: Record<string, unknown>) => (data.transports ?? []) as AuthenticatorTransport[];

/** Options for navigator.credentials.create(): user verification required, the member's passkeys excluded. */
export async function passkeyRegistrationOptions(ctx: MfaContext) {
  const existing = await listCredentials(ctx.db, ctx.account.id, 'passkey');
  const options = await generateRegistrationOptions({
    rpName: ctx.union.name,
    rpID: relyingParty(ctx).rpID,
    userName: ctx.account.userId ?? ctx.account.id,
    userID: new TextEncoder().encode(ctx.account.id),
    userDisplayName: ctx.member.nameKanji,
    attestationType: 'none',
    excludeCredentials: existing.map((c) => ({ id: c.externalId!, transports: transportsOf(c.data) })),
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
  });
  await saveChallenge(ctx.db, { accountId: ctx.account.id, interactionUid: ctx.interactionUid, kind: 'passkey_registration', value: options.challenge, ttlMs: CHALLENGE_TTL_MS });
  return options;
}

export async function registerPasskey(ctx: MfaContext, input: { label: string; response: RegistrationResponseJSON }): Promise<FactorCheck> {
  const label = input.label.trim();
  if (!label || label.length > 50) return { ok: false, error: 'login.mfa.passkey.nameLength' };
  if ((await listCredentials(ctx.db, ctx.account.id, 'passkey')).some((c) => c.label === label)) {
    return { ok: false, error: 'login.mfa.passkey.nameTaken' };
  }
  const challenge = await takeChallenge(ctx.db, ctx.account.id, ctx.interactionUid, 'passkey_registration');
  if (!challenge) return { ok: false, error: 'login.mfa.passkey.registrationExpired' };
  const { rpID, origin } = relyingParty(ctx);
  let verification;
  try {
    verification = await verifyRegistrationResponse({
      response: input.response, expectedChallenge: challenge, expectedOrigin: origin, expectedRPID: rpID, requireUserVerification: true,
    });
  } catch {
    return { ok: false, error: 'login.mfa.passkey.registrationFailed' };
  }
  if (!verification.verified) return { ok: false, error: 'login.mfa.passkey.registrationFailed' };
  const { credential } = verification.registrationInfo;
  try {
    const id = await addCredential(ctx.db, {
      accountId: ctx.account.id, type: 'passkey', label, externalId: credential.id, counter: credential.counter,
      data: { publicKey: Buffer.from(credential.publicKey).toString('base64url'), transports: credential.transports ?? [] },
    });
    return { ok: true, credentialId: id };
  } catch (err) {
    // The same authenticator credential is already registered (to this member or anyone else).
    if (err instanceof DuplicateCredentialError) return { ok: false, error: 'login.mfa.passkey.alreadyRegistered' };
    throw err;
  }
}

/** Options for navigator.credentials.get(): only this member's passkeys, user verification required. */
export async function passkeyAuthenticationOptions(ctx: MfaContext) {
  const passkeys = await listCredentials(ctx.db, ctx.account.id, 'passkey');
  const options = await generateAuthenticationOptions({
    rpID: relyingParty(ctx).rpID,
    allowCredentials: passkeys.map((c) => ({ id: c.externalId!, transports: transportsOf(c.data) })),
    userVerification: 'required',
  });
  await saveChallenge(ctx.db, { accountId: ctx.account.id, interactionUid: ctx.interactionUid, kind: 'passkey_authentication', value: options.challenge, ttlMs: CHALLENGE_TTL_MS });
  return options;
}

const FAILED = 'login.mfa.passkey.failed' as const;

export async function verifyPasskey(ctx: MfaContext, response: AuthenticationResponseJSON): Promise<FactorCheck> {
  const passkey = (await listCredentials(ctx.db, ctx.account.id, 'passkey')).find((c) => c.externalId === response.id);
  const challenge = await takeChallenge(ctx.db, ctx.account.id, ctx.interactionUid, 'passkey_authentication');
  if (!passkey || !challenge) return { ok: false, error: FAILED };
  const { rpID, origin } = relyingParty(ctx);
  let verification;
  try {
    verification = await verifyAuthenticationResponse({
      response, expectedChallenge: challenge, expectedOrigin: origin, expectedRPID: rpID, requireUserVerification: true,
      credential: { id: passkey.externalId!, publicKey: Buffer.from(String(passkey.data.publicKey), 'base64url'), counter: passkey.counter ?? 0, transports: transportsOf(passkey.data) },
    });
  } catch {
    return { ok: false, error: FAILED };
  }
  if (!verification.verified) return { ok: false, error: FAILED };
  const { newCounter } = verification.authenticationInfo;
  // Authenticators that keep no counter always send 0; a counter that goes backwards means a cloned key.
  if (newCounter === 0 && (passkey.counter ?? 0) === 0) {
    await touchCredential(ctx.db, passkey.id);
  } else if (!(await advanceCounter(ctx.db, passkey.id, newCounter))) {
    await recordAudit(ctx.db, { unionSlug: ctx.union.slug, actor: `member:${ctx.account.id}`, action: 'passkey.counter_regression', target: passkey.id, outcome: 'denied', detail: { newCounter, stored: passkey.counter } });
    return { ok: false, error: FAILED };
  }
  return { ok: true, credentialId: passkey.id };
}
