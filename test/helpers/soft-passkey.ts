import crypto from 'node:crypto';

/**
 * A passkey without a browser: an ES256 key pair that signs WebAuthn assertions (W3C WebAuthn §6.1,
 * §7.2) with any signature counter, so HTTP-level tests can replay, reorder and move answers between
 * logins as an attacker would. It shares no code with the IdP or SimpleWebAuthn.
 */
export interface SoftPasskey {
  /** Credential id (base64url), as stored in `credentials.external_id`. */
  id: string;
  /** The public key as a COSE_Key (RFC 9053 EC2, P-256), base64url, as stored in `credentials.data.publicKey`. */
  cosePublicKey: string;
  /** The authenticator's answer to `challenge` from `origin`, carrying `counter`. */
  assert(args: { challenge: string; origin: string; counter: number }): Record<string, unknown>;
}

const sha256 = (data: Buffer | string) => crypto.createHash('sha256').update(data).digest();

/** COSE_Key map {1: 2 (EC2), 3: -7 (ES256), -1: 1 (P-256), -2: x, -3: y} in CBOR (RFC 8949). */
function coseKey(x: Buffer, y: Buffer): Buffer {
  const bytes32 = (b: Buffer) => Buffer.concat([Buffer.from([0x58, 0x20]), b]);
  return Buffer.concat([Buffer.from([0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21]), bytes32(x), Buffer.from([0x22]), bytes32(y)]);
}

export function softPasskey(): SoftPasskey {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const id = crypto.randomBytes(16).toString('base64url');
  return {
    id,
    cosePublicKey: coseKey(Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')).toString('base64url'),
    assert({ challenge, origin, counter }) {
      const clientDataJSON = Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge, origin, crossOrigin: false }));
      const signCount = Buffer.alloc(4);
      signCount.writeUInt32BE(counter);
      // rpIdHash, flags UP|UV, signCount.
      const authenticatorData = Buffer.concat([sha256(new URL(origin).hostname), Buffer.from([0x05]), signCount]);
      const signature = crypto.sign('sha256', Buffer.concat([authenticatorData, sha256(clientDataJSON)]), privateKey);
      return {
        id, rawId: id, type: 'public-key', clientExtensionResults: {}, authenticatorAttachment: 'platform',
        response: {
          clientDataJSON: clientDataJSON.toString('base64url'), authenticatorData: authenticatorData.toString('base64url'),
          signature: signature.toString('base64url'),
        },
      };
    },
  };
}
