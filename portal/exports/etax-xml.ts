/**
 * e-Tax 医療費通知データ (XML). Everything this project knows about the layout is here and in
 * etax-xml.xsd beside it: the official NTA layout could not be confirmed (SPEC §6), so this one follows
 * e-Tax's deduction-certificate conventions and is meant to be replaced, with its schema, as a pair.
 *
 * NTA タックスアンサー No.1119: the file counts for e-Tax only with the insurer's XML signature and
 * certificate, so with a signer the root is signed (enveloped, see xml-signature.ts); without one the
 * file says it is unsigned and the page shows ETAX_UNSIGNED_NOTE.
 *
 * The card's 記号・番号 are left out on purpose: the file goes to the tax office, and the 告知要求制限
 * of the Health Insurance Act keeps them for insurance business only.
 */
import type { Claim, Statement } from '../medical/model.js';
import { sumClaims, type ClaimTotals } from '../medical/totals.js';
import { dateIso, mynaportalCategory } from './format.js';
import { escapeXml } from './xml-text.js';
import { signEnveloped, type XmlSigner } from './xml-signature.js';

export const ETAX_XML_LAYOUT = {
  namespace: 'http://xml.e-tax.nta.go.jp/XSD/kyotsu',
  /** Our provisional form code (not an NTA one); also the root's id, which the signature references. */
  formCode: 'IRY010',
  version: '1.0',
  softwareName: 'kenpo-id',
} as const;

export const ETAX_UNSIGNED_NOTE =
  'このファイルには保険者の電子署名がありません。e-Tax の医療費通知として添付するには、' +
  '健康保険組合の電子署名が付いたデータが必要です。';

type Node = string | null;

function element(name: string, content: string | number): string {
  return `<${name}>${typeof content === 'number' ? content : escapeXml(content)}</${name}>`;
}

/** A child of the root, its own children one per line (the root's children are indented by two). */
function group(name: string, children: Node[]): string {
  const inner = children.filter((c): c is string => c !== null).map((c) => `    ${c}`).join('\n');
  return `<${name}>\n${inner}\n  </${name}>`;
}

function amounts(t: ClaimTotals): string[] {
  return [
    element('IRYOHI_SOGAKU', t.totalCost),
    element('HOKENSHA_FUTANGAKU', t.insurerPaid),
    element('KOHI_FUTANGAKU', t.publicPaid),
    element('JIKO_FUTANGAKU', t.selfPaid),
  ];
}

function meisai(c: Claim): string {
  return group('MEISAI', [
    element('SHINRYO_YM', c.serviceMonth),
    element('JUSHINSHA_NM', c.patientName),
    c.facilityName ? element('IRYOKIKAN_NM', c.facilityName) : null,
    element('SHINRYO_KBN', mynaportalCategory(c.category)),
    element('NISSU', c.days),
    ...amounts(c),
  ]);
}

/** The document; `preamble` goes between the XML declaration and the root (a comment or nothing). */
function noticeXml(statement: Statement, preamble: string): string {
  const { namespace, formCode, version, softwareName } = ETAX_XML_LAYOUT;
  const { union, insured, period, claims } = statement;
  const attributes = [
    `xmlns="${namespace}"`, `VR="${version}"`, `id="${formCode}"`, `sakuseiDay="${dateIso(statement.issuedAt)}"`,
    `sakuseiNM="${escapeXml(union.name)}"`, `softNM="${softwareName}"`,
  ].join(' ');
  const body = [
    group('HOKENSHA', [element('HOKENSHA_NM', union.name), element('HOKENSHA_NO', union.insurerNumber)]),
    group('HIHOKENSHA', [element('HIHOKENSHA_NM', insured.name)]),
    group('TAISHO_KIKAN', [element('KAISHI_YM', period.from), element('SHURYO_YM', period.to)]),
    group('GOKEI', amounts(sumClaims(claims))),
    ...claims.map(meisai),
  ];
  return `<?xml version="1.0" encoding="UTF-8"?>\n${preamble}<${formCode} ${attributes}>\n  ${body.join('\n  ')}\n</${formCode}>\n`;
}

/** The household's 医療費通知 for the statement's period; signed when a signer is given. */
export function etaxMedicalNoticeXml(statement: Statement, signer?: XmlSigner | null): string {
  if (!signer) return noticeXml(statement, `<!-- 未署名: ${ETAX_UNSIGNED_NOTE} -->\n`);
  return signEnveloped(noticeXml(statement, ''), ETAX_XML_LAYOUT.formCode, signer);
}
