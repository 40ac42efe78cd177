import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';
import { addCredential, advanceCounter, DuplicateCredentialError, findCredential, listCredentials } from './credentials.js';
import { peekChallenge, saveChallenge, takeChallenge } from './challenges.js';
import type { FactorCheck, MfaContext } from './context.js';

/** RFC 6238 as authenticator apps expect it: SHA-1, 6 digits, 30 s; one step of clock drift either way. */
const TOTP = { algorithm: 'sha1', digits: 6, period: 30, epochTolerance: 30 } as const;
const SETUP_TTL_MS = 15 * 60_000;

export interface TotpSetup {
  /** Base32 key for manual entry (スキャンできませんか?). */
  secret: string;
  uri: string;
  qrSvg: string;
}

/** The secret being set up in this interaction (kept sealed until the first code proves the app has it). */
export async function startTotpSetup(ctx: MfaContext): Promise<TotpSetup> {
  const pending = await peekChallenge(ctx.db, ctx.account.id, ctx.interactionUid, 'totp_setup');
  const secret = pending ? ctx.box.open(pending.value) : generateSecret();
  if (!pending) {
    await saveChallenge(ctx.db, { accountId: ctx.account.id, interactionUid: ctx.interactionUid, kind: 'totp_setup', value: ctx.box.seal(secret), ttlMs: SETUP_TTL_MS });
  }
  const uri = generateURI({ issuer: ctx.union.name, label: ctx.account.userId ?? ctx.account.id, secret, algorithm: TOTP.algorithm, digits: TOTP.digits, period: TOTP.period });
  return { secret, uri, qrSvg: await QRCode.toString(uri, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }) };
}

const validDeviceName = (name: string) => name.length > 0 && name.length <= 50;

/** Registers the device once its first code is right; the device name must be new for this member. */
export async function completeTotpSetup(ctx: MfaContext, input: { code: string; deviceName: string }): Promise<FactorCheck> {
  const deviceName = input.deviceName.trim();
  if (!validDeviceName(deviceName)) return { ok: false, error: 'login.mfa.totp.deviceNameLength' };
  const existing = await listCredentials(ctx.db, ctx.account.id, 'totp');
  if (existing.some((c) => c.label === deviceName)) return { ok: false, error: 'login.mfa.totp.deviceNameTaken' };
  const pending = await peekChallenge(ctx.db, ctx.account.id, ctx.interactionUid, 'totp_setup');
  if (!pending) return { ok: false, error: 'login.mfa.totp.setupExpired' };
  const secret = ctx.box.open(pending.value);
  const result = await verify({ secret, token: input.code.trim(), ...TOTP });
  if (!result.valid || !('timeStep' in result)) return { ok: false, error: 'login.mfa.wrongCode' };
  try {
    const id = await addCredential(ctx.db, { accountId: ctx.account.id, type: 'totp', label: deviceName, secret: ctx.box.seal(secret), counter: result.timeStep });
    await takeChallenge(ctx.db, ctx.account.id, ctx.interactionUid, 'totp_setup');
    return { ok: true, credentialId: id };
  } catch (err) {
    if (err instanceof DuplicateCredentialError) return { ok: false, error: 'login.mfa.totp.deviceNameTaken' };
    throw err;
  }
}

/** Checks a code of the chosen device; a code (time step) is accepted at most once per device. */
export async function verifyTotp(ctx: MfaContext, input: { credentialId: string; code: string }): Promise<FactorCheck> {
  const credential = await findCredential(ctx.db, ctx.account.id, input.credentialId);
  if (!credential || credential.type !== 'totp' || !credential.secret) return { ok: false, error: 'login.mfa.totp.chooseDevice' };
  const result = await verify({ secret: ctx.box.open(credential.secret), token: input.code.trim(), ...TOTP });
  if (!result.valid || !('timeStep' in result) || !(await advanceCounter(ctx.db, credential.id, result.timeStep))) {
    return { ok: false, error: 'login.mfa.wrongCode' };
  }
  return { ok: true, credentialId: credential.id };
}
