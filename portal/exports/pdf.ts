/**
 * 医療費明細 PDF: the seed's statement table for a household and period, with あなたが支払った額, the
 * notes, and the six items of SPEC §6 (the insurer's and insured person's names head page 1 and sit in
 * every page's footer; month, patient, facility and amount paid are the table's columns). Long years
 * flow onto further pages, each repeating the table header.
 */
import PDFDocument from 'pdfkit';
import type { Claim, Statement } from '../medical/model.js';
import { careLabel } from '../medical/format.js';
import { slashMonth } from '../medical/period.js';
import { sumClaims, type ClaimTotals } from '../medical/totals.js';
import { groupDigits, periodJa } from './format.js';
import { registerPdfFont, renderPdf } from '../../documents/pdf-font.js';
import { PAGE } from './pdf-layout.js';
import { StatementWriter, type RowCells } from './pdf-writer.js';

const FONT = 'statement';
const yen = (amount: number) => `¥${groupDigits(amount)}`;

function claimCells(c: Claim): RowCells {
  return {
    month: slashMonth(c.serviceMonth),
    patient: c.patientName,
    facility: c.facilityName ? `${c.facilityName}\n${careLabel(c)}` : careLabel(c),
    totalCost: yen(c.totalCost),
    insurerPaid: yen(c.insurerPaid),
    publicPaid: yen(c.publicPaid),
    selfPaid: yen(c.selfPaid),
    note: c.note ?? '',
  };
}

function totalCells(t: ClaimTotals): RowCells {
  return {
    month: '合計', patient: '', facility: '', note: '',
    totalCost: yen(t.totalCost), insurerPaid: yen(t.insurerPaid), publicPaid: yen(t.publicPaid), selfPaid: yen(t.selfPaid),
  };
}

/** One pdfkit document with the embedded Japanese font, collected into a Buffer. */
async function render(statement: Statement, draw: (doc: PDFKit.PDFDocument) => void): Promise<Buffer> {
  const doc = new PDFDocument({
    size: PAGE.size,
    margin: PAGE.margin,
    bufferPages: true,
    lang: 'ja-JP',
    displayTitle: true,
    info: {
      Title: `医療費明細 ${periodJa(statement.period)}`,
      Author: statement.union.name,
      Creator: 'kenpo-id',
      CreationDate: statement.issuedAt, // not "now": the same statement gives the same file
    },
  });
  return renderPdf(doc, async () => {
    await registerPdfFont(doc, FONT);
    draw(doc);
  });
}

export function statementPdf(statement: Statement): Promise<Buffer> {
  return render(statement, (doc) => {
    const writer = new StatementWriter(doc, statement);
    const totals = sumClaims(statement.claims);
    writer.heading();
    writer.paidBox(totals.selfPaid);
    writer.tableHeader();
    if (statement.claims.length === 0) writer.emptyRow();
    for (const claim of statement.claims) writer.row(claimCells(claim));
    writer.row(totalCells(totals), true);
    writer.notes();
    writer.footers();
  });
}
