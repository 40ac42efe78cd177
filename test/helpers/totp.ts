import crypto from 'node:crypto';

/**
 * An independent RFC 6238 implementation for tests (checked against the RFC's Appendix B vectors),
 * so the IdP's TOTP is verified by code that shares nothing with it.
 */
export function base32Decode(input: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const char of input.replace(/=+$/, '').toUpperCase()) {
    const value = alphabet.indexOf(char);
    if (value < 0) throw new Error(`not base32: ${char}`);
    bits += value.toString(2).padStart(5, '0');
  }
  const bytes = bits.match(/.{8}/g) ?? [];
  return Buffer.from(bytes.map((b) => Number.parseInt(b, 2)));
}

export function base32Encode(bytes: Buffer): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bits = [...bytes].map((b) => b.toString(2).padStart(8, '0')).join('');
  return (bits.match(/.{1,5}/g) ?? []).map((chunk) => alphabet[Number.parseInt(chunk.padEnd(5, '0'), 2)]).join('');
}

export function hotp(key: Buffer, counter: number, digits = 6, algorithm = 'sha1'): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = crypto.createHmac(algorithm, key).update(message).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

export function totp(key: Buffer, unixSeconds = Date.now() / 1000, options: { digits?: number; step?: number; algorithm?: string } = {}): string {
  return hotp(key, Math.floor(unixSeconds / (options.step ?? 30)), options.digits ?? 6, options.algorithm ?? 'sha1');
}

/** The code for a Base32 secret as an authenticator app would show it `offsetSteps` steps from now. */
export const totpFor = (base32Secret: string, offsetSteps = 0) => totp(base32Decode(base32Secret), Date.now() / 1000 + offsetSteps * 30);
