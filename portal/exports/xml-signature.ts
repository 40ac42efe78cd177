/**
 * XML-DSig for the e-Tax file: an enveloped signature over the root element (Reference URI "#<root id>"),
 * RSA-SHA256, SHA-256 digests, exclusive C14N, and the signer's certificate in KeyInfo/X509Data, as
 * NTA タックスアンサー No.1119 asks of an insurer's 医療費通知. xml-crypto does the canonicalisation.
 *
 * Keys come from files named in the environment, per union or for the whole portal:
 *   ETAX_SIGNING_KEY_FILE_<SLUG> + ETAX_SIGNING_CERT_FILE_<SLUG>   (slug upper-cased, other than A–Z0–9 → _)
 *   ETAX_SIGNING_KEY_FILE + ETAX_SIGNING_CERT_FILE                  (any union without its own pair)
 * PEM files: an unencrypted RSA private key (PKCS#8 or PKCS#1) and its X.509 certificate.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { SignedXml } from 'xml-crypto';

export interface XmlSigner {
  privateKeyPem: string;
  certificatePem: string;
}

const ALGORITHMS = {
  signature: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  digest: 'http://www.w3.org/2001/04/xmlenc#sha256',
  canonicalization: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  envelopedSignature: 'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
} as const;

/** Signs the element whose `id` is `rootId` (the document element) and appends the signature to it. */
export function signEnveloped(xml: string, rootId: string, signer: XmlSigner): string {
  const signature = new SignedXml({
    privateKey: signer.privateKeyPem,
    publicCert: signer.certificatePem,
    signatureAlgorithm: ALGORITHMS.signature,
    canonicalizationAlgorithm: ALGORITHMS.canonicalization,
  });
  signature.addReference({
    xpath: `/*[@id='${rootId}']`,
    transforms: [ALGORITHMS.envelopedSignature, ALGORITHMS.canonicalization],
    digestAlgorithm: ALGORITHMS.digest,
  });
  signature.computeSignature(xml, { prefix: 'dsig', location: { reference: '/*', action: 'append' } });
  return `${signature.getSignedXml().trimEnd()}\n`;
}

export class XmlSignerConfigError extends Error {
  override name = 'XmlSignerConfigError';
}

type Env = Record<string, string | undefined>;

function envSuffix(slug: string): string {
  return slug.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

function readPem(variable: string, file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new XmlSignerConfigError(`${variable}: cannot read ${file} (${(err as Error).message})`);
  }
}

/** Checks that the key is RSA and belongs to the certificate, so a wrong pair fails at start-up. */
function checkPair(signer: XmlSigner, where: string): void {
  let key: crypto.KeyObject;
  let cert: crypto.X509Certificate;
  try {
    key = crypto.createPrivateKey(signer.privateKeyPem);
    cert = new crypto.X509Certificate(signer.certificatePem);
  } catch (err) {
    throw new XmlSignerConfigError(`${where}: not a PEM private key and certificate (${(err as Error).message})`);
  }
  if (key.asymmetricKeyType !== 'rsa') throw new XmlSignerConfigError(`${where}: the key must be RSA (RSA-SHA256)`);
  if (!cert.checkPrivateKey(key)) throw new XmlSignerConfigError(`${where}: the key does not match the certificate`);
}

/**
 * The union's signer, or null when none is configured (the XML is then offered unsigned). Throws
 * XmlSignerConfigError when a key is named without its certificate (or the reverse), is unreadable, or
 * does not match.
 */
export function loadXmlSigner(unionSlug: string, env: Env = process.env): XmlSigner | null {
  const suffixes = [`_${envSuffix(unionSlug)}`, ''];
  for (const suffix of suffixes) {
    const keyVar = `ETAX_SIGNING_KEY_FILE${suffix}`;
    const certVar = `ETAX_SIGNING_CERT_FILE${suffix}`;
    const keyFile = env[keyVar];
    const certFile = env[certVar];
    if (!keyFile && !certFile) continue;
    if (!keyFile || !certFile) throw new XmlSignerConfigError(`${keyVar} and ${certVar} must be set together`);
    const signer = { privateKeyPem: readPem(keyVar, keyFile), certificatePem: readPem(certVar, certFile) };
    checkPair(signer, `${keyVar}/${certVar}`);
    return signer;
  }
  return null;
}
