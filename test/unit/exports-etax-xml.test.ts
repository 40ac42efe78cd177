import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ETAX_UNSIGNED_NOTE, ETAX_XML_LAYOUT, etaxMedicalNoticeXml } from '../../portal/exports/etax-xml.js';
import { loadXmlSigner, XmlSignerConfigError, type XmlSigner } from '../../portal/exports/xml-signature.js';
import { run, tempDir } from '../helpers/cli-tools.js';
import { claim, sampleStatement } from '../helpers/statement-fixture.js';

const schema = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../portal/exports/etax-xml.xsd');
const tmp = tempDir('kenpo-etax-');
afterAll(() => tmp.remove());

/** A self-signed certificate and its key, made by the openssl CLI as an operator would. */
function makeCertificate(name: string): { keyFile: string; certFile: string } {
  const keyFile = tmp.file(`${name}.key.pem`);
  const certFile = tmp.file(`${name}.cert.pem`);
  const result = run('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2',
    '-subj', `/O=kenpo-id test/CN=${name}`,
  ]);
  expect(result.status).toBe(0);
  return { keyFile, certFile };
}

function writeXml(name: string, xml: string): string {
  const file = tmp.file(name);
  fs.writeFileSync(file, xml);
  return file;
}

function validate(xml: string, name: string) {
  return run('xmllint', ['--noout', '--schema', schema, writeXml(name, xml)]);
}

/** xmlsec1 checks the signature and that the certificate in KeyInfo is the trusted one. */
function verify(xml: string, name: string, trustedCert: string) {
  return run('xmlsec1', [
    '--verify', '--trusted-pem', trustedCert, '--id-attr:id', ETAX_XML_LAYOUT.formCode, writeXml(name, xml),
  ]);
}

describe('etaxMedicalNoticeXml', () => {
  const statement = sampleStatement();
  let union: { keyFile: string; certFile: string };
  let other: { keyFile: string; certFile: string };
  let signer: XmlSigner;
  beforeAll(() => {
    union = makeCertificate('sample-union');
    other = makeCertificate('someone-else');
    signer = loadXmlSigner('sample-union', {
      ETAX_SIGNING_KEY_FILE_SAMPLE_UNION: union.keyFile, ETAX_SIGNING_CERT_FILE_SAMPLE_UNION: union.certFile,
    })!;
  });

  test('unsigned: valid against the schema and says it is unsigned', () => {
    const xml = etaxMedicalNoticeXml(statement);
    const result = validate(xml, 'unsigned.xml');
    expect(result.stderr).toContain('validates');
    expect(result.status).toBe(0);
    expect(xml).toContain(`<!-- 未署名: ${ETAX_UNSIGNED_NOTE} -->`);
    expect(xml).not.toContain('Signature');
  });

  test('root follows e-Tax form conventions and carries the six items', () => {
    const xml = etaxMedicalNoticeXml(statement);
    expect(xml).toMatch(
      /<IRY010 xmlns="http:\/\/xml\.e-tax\.nta\.go\.jp\/XSD\/kyotsu" VR="1\.0" id="IRY010" sakuseiDay="2026-02-23" sakuseiNM="サンプル健康保険組合" softNM="kenpo-id">/,
    );
    for (const item of [
      '<HOKENSHA_NM>サンプル健康保険組合</HOKENSHA_NM>', // ⑥
      '<HIHOKENSHA_NM>健保 太郎</HIHOKENSHA_NM>', // ①
      '<SHINRYO_YM>2025-03</SHINRYO_YM>', // ②
      '<JUSHINSHA_NM>健保 花子</JUSHINSHA_NM>', // ③
      '<IRYOKIKAN_NM>医療法人社団&quot;光,風&quot;会 みなと総合病院リハビリテーションセンター</IRYOKIKAN_NM>', // ④
      '<JIKO_FUTANGAKU>370371</JIKO_FUTANGAKU>', // ⑤
      '<SHINRYO_KBN>調剤</SHINRYO_KBN>',
      '<GOKEI>\n    <IRYOHI_SOGAKU>1266687</IRYOHI_SOGAKU>',
    ]) {
      expect(xml).toContain(item);
    }
    expect(xml.match(/<MEISAI>/g)).toHaveLength(statement.claims.length);
  });

  test('the card’s 記号・番号 stay out of a file meant for the tax office', () => {
    const xml = etaxMedicalNoticeXml({ ...statement, insured: { name: '健保 太郎', kigo: 'ｷｺﾞｳ77', bango: 'ﾊﾞﾝｺﾞｳ99' } });
    expect(xml).not.toMatch(/ｷｺﾞｳ|ﾊﾞﾝｺﾞｳ/);
  });

  test('the schema refuses what the layout does not allow', () => {
    const xml = etaxMedicalNoticeXml(statement).replace('<SHINRYO_KBN>調剤</SHINRYO_KBN>', '<SHINRYO_KBN>薬局</SHINRYO_KBN>');
    expect(validate(xml, 'bad.xml').status).not.toBe(0);
  });

  test('text is escaped', () => {
    const xml = etaxMedicalNoticeXml({ ...statement, claims: [claim({ facilityName: 'A&B <クリニック> \u0001' })] });
    expect(xml).toContain('<IRYOKIKAN_NM>A&amp;B &lt;クリニック&gt; </IRYOKIKAN_NM>');
    expect(validate(xml, 'escaped.xml').status).toBe(0);
  });

  test('signed: enveloped RSA-SHA256 over #IRY010 with the certificate, verified by xmlsec1', () => {
    const xml = etaxMedicalNoticeXml(statement, signer);
    expect(xml).not.toContain('未署名');
    expect(xml).toContain('<dsig:Reference URI="#IRY010">');
    expect(xml).toContain('Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"');
    expect(xml).toContain('Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"');
    expect(xml).toContain('Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"');
    expect(xml).toContain('Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"');
    expect(xml).toMatch(/<dsig:KeyInfo><dsig:X509Data><dsig:X509Certificate>[A-Za-z0-9+/=]+<\/dsig:X509Certificate>/);
    expect(xml).toMatch(/<\/dsig:Signature><\/IRY010>\n$/);

    expect(validate(xml, 'signed-schema.xml').status).toBe(0);
    const result = verify(xml, 'signed.xml', union.certFile);
    expect(result.stdout + result.stderr).toContain('OK');
    expect(result.status).toBe(0);
  });

  test('a changed amount, or a certificate nobody trusts, fails verification', () => {
    const xml = etaxMedicalNoticeXml(statement, signer);
    const tampered = xml.replace('<JIKO_FUTANGAKU>300</JIKO_FUTANGAKU>', '<JIKO_FUTANGAKU>301</JIKO_FUTANGAKU>');
    expect(tampered).not.toBe(xml);
    const result = verify(tampered, 'tampered.xml', union.certFile);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('SignedInfo References (ok/all): 0/1'); // the digest, not something else
    expect(verify(xml, 'untrusted.xml', other.certFile).status).not.toBe(0);
  });
});

describe('loadXmlSigner', () => {
  let union: { keyFile: string; certFile: string };
  let other: { keyFile: string; certFile: string };
  beforeAll(() => {
    union = makeCertificate('loader-union');
    other = makeCertificate('loader-other');
  });

  test('nothing configured: no signer (the XML is offered unsigned)', () => {
    expect(loadXmlSigner('demo', {})).toBeNull();
  });

  test("a union's own pair wins over the portal-wide one", () => {
    const signer = loadXmlSigner('demo', {
      ETAX_SIGNING_KEY_FILE: other.keyFile, ETAX_SIGNING_CERT_FILE: other.certFile,
      ETAX_SIGNING_KEY_FILE_DEMO: union.keyFile, ETAX_SIGNING_CERT_FILE_DEMO: union.certFile,
    });
    expect(signer?.certificatePem).toBe(fs.readFileSync(union.certFile, 'utf8'));
    const fallback = loadXmlSigner('kawasaki', { ETAX_SIGNING_KEY_FILE: other.keyFile, ETAX_SIGNING_CERT_FILE: other.certFile });
    expect(fallback?.certificatePem).toBe(fs.readFileSync(other.certFile, 'utf8'));
  });

  test('half a pair, an unreadable file or a key of another certificate is a configuration error', () => {
    expect(() => loadXmlSigner('demo', { ETAX_SIGNING_KEY_FILE_DEMO: union.keyFile }))
      .toThrow(/ETAX_SIGNING_KEY_FILE_DEMO and ETAX_SIGNING_CERT_FILE_DEMO must be set together/);
    expect(() => loadXmlSigner('demo', { ETAX_SIGNING_KEY_FILE: '/nonexistent.pem', ETAX_SIGNING_CERT_FILE: union.certFile }))
      .toThrow(XmlSignerConfigError);
    expect(() => loadXmlSigner('demo', { ETAX_SIGNING_KEY_FILE: other.keyFile, ETAX_SIGNING_CERT_FILE: union.certFile }))
      .toThrow(/does not match/);
  });
});
