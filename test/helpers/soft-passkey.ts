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
  /** The authenticator's answer to `challenge` from `origin`, carrying `counter`; `userVerified` false: touched, not unlocked. */
  assert(args: { challenge: string; origin: string; counter: number; userVerified?: boolean }): Record<string, unknown>;
  /** navigator.credentials.create()'s answer to a registration `challenge`, attestation "none". */
  register(args: { challenge: string; origin: string; userVerified?: boolean }): Record<string, unknown>;
}

const sha256 = (data: Buffer | string) => crypto.createHash('sha256').update(data).digest();

/** COSE_Key map {1: 2 (EC2), 3: -7 (ES256), -1: 1 (P-256), -2: x, -3: y} in CBOR (RFC 8949). */
function coseKey(x: Buffer, y: Buffer): Buffer {
  const bytes32 = (b: Buffer) => Buffer.concat([Buffer.from([0x58, 0x20]), b]);
  return Buffer.concat([Buffer.from([0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21]), bytes32(x), Buffer.from([0x22]), bytes32(y)]);
}

/** A CBOR byte string (RFC 8949 major type 2) of up to 65,535 bytes. */
function cborBytes(b: Buffer): Buffer {
  const head = b.length < 24 ? Buffer.from([0x40 + b.length]) : b.length < 256 ? Buffer.from([0x58, b.length]) : Buffer.from([0x59, b.length >> 8, b.length & 0xff]);
  return Buffer.concat([head, b]);
}

const clientData = (type: 'webauthn.get' | 'webauthn.create', challenge: string, origin: string) =>
  Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));

/** Flags UP (user present), UV (user verified) when asked, AT (attested credential data follows) when given. */
const flags = (userVerified: boolean, attested = false) => Buffer.from([0x01 | (userVerified ? 0x04 : 0) | (attested ? 0x40 : 0)]);

/** `id`: a clone's — the same credential id, another key (it cannot sign as the original). */
export function softPasskey(options: { id?: string } = {}): SoftPasskey {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const id = options.id ?? crypto.randomBytes(16).toString('base64url');
  const cose = coseKey(Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url'));
  return {
    id,
    cosePublicKey: cose.toString('base64url'),
    assert({ challenge, origin, counter, userVerified = true }) {
      const clientDataJSON = clientData('webauthn.get', challenge, origin);
      const signCount = Buffer.alloc(4);
      signCount.writeUInt32BE(counter);
      const authenticatorData = Buffer.concat([sha256(new URL(origin).hostname), flags(userVerified), signCount]);
      const signature = crypto.sign('sha256', Buffer.concat([authenticatorData, sha256(clientDataJSON)]), privateKey);
      return {
        id, rawId: id, type: 'public-key', clientExtensionResults: {}, authenticatorAttachment: 'platform',
        response: {
          clientDataJSON: clientDataJSON.toString('base64url'), authenticatorData: authenticatorData.toString('base64url'),
          signature: signature.toString('base64url'),
        },
      };
    },
    register({ challenge, origin, userVerified = true }) {
      const rawId = Buffer.from(id, 'base64url');
      const idLength = Buffer.from([rawId.length >> 8, rawId.length & 0xff]);
      // rpIdHash, flags, signCount 0, then the attested credential: AAGUID (zeros), id length, id, COSE key.
      const authData = Buffer.concat([sha256(new URL(origin).hostname), flags(userVerified, true), Buffer.alloc(4), Buffer.alloc(16), idLength, rawId, cose]);
      // {"fmt": "none", "attStmt": {}, "authData": …} in CBOR, keys in canonical order.
      const attestationObject = Buffer.concat([
        Buffer.from([0xa3, 0x63]), Buffer.from('fmt'), Buffer.from([0x64]), Buffer.from('none'),
        Buffer.from([0x67]), Buffer.from('attStmt'), Buffer.from([0xa0]), Buffer.from([0x68]), Buffer.from('authData'), cborBytes(authData),
      ]);
      return {
        id, rawId: id, type: 'public-key', clientExtensionResults: {}, authenticatorAttachment: 'platform',
        response: {
          clientDataJSON: clientData('webauthn.create', challenge, origin).toString('base64url'),
          attestationObject: attestationObject.toString('base64url'), transports: ['internal', 'hybrid'],
        },
      };
    },
  };
}
