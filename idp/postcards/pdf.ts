/**
 * The postcard batch as a PDF: one Japanese postcard (100 × 148 mm, portrait) per page, in the order
 * given, ready for a printer or a print shop. Everything is vector (text in the embedded Japanese font,
 * the QR code as filled squares), so it prints sharp at any resolution.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { loadPdfFont, registerPdfFont, renderPdf } from '../../documents/pdf-font.js';
import { dateJa, type Postcard, type PostcardBatch } from './postcard.js';

const TITLE = 'Webサービスのご案内';
const FIRST_LOGIN_NOTE = '初回ログイン時に生年月日の確認、メールアドレスの登録、新しいユーザID・パスワードの設定を行います。';
const INTRO = 'Webサービスをご利用いただけます。下記のURLまたはQRコードからアクセスし、仮ユーザIDと仮パスワードでログインしてください。';
const KEEP_SECRET = 'このはがきは他人に見せず、大切に保管してください。';

const mm = (value: number) => (value * 72) / 25.4;

/** Where things go, in millimetres from the top left (exported for the tests that read the QR code back). */
export const POSTCARD_LAYOUT = {
  width: 100,
  height: 148,
  margin: 8,
  qr: { x: 8, y: 50, size: 32 },
} as const;

const FONT = 'postcard';
const MONO = 'postcard-mono';
// The fixed-width face in the same Noto CJK collection: the user ID and password are typed in by
// hand, and even columns make each character easy to read off. Another font falls back to FONT.
const MONO_FACE_IN_COLLECTION = 'NotoSansMonoCJKjp-Regular';

/** Registers the Japanese font (and its fixed-width sibling when there is one); returns the mono face's name. */
async function useFonts(doc: PDFKit.PDFDocument): Promise<string> {
  await registerPdfFont(doc, FONT);
  if (!(await loadPdfFont()).family) return FONT;
  try {
    await registerPdfFont(doc, MONO, MONO_FACE_IN_COLLECTION);
    return MONO;
  } catch {
    return FONT;
  } finally {
    doc.font(FONT);
  }
}

/** A horizontal run of dark QR modules: row, first column, length. */
type QrRun = [row: number, col: number, length: number];

/** The QR code of `url` as runs of dark modules, worked out once per batch (every card has the same URL). */
function qrRuns(url: string): { size: number; runs: QrRun[] } {
  const { modules } = QRCode.create(url, { errorCorrectionLevel: 'M' });
  const runs: QrRun[] = [];
  for (let row = 0; row < modules.size; row += 1) {
    let col = 0;
    while (col < modules.size) {
      if (!modules.get(row, col)) { col += 1; continue; }
      const start = col;
      while (col < modules.size && modules.get(row, col)) col += 1;
      runs.push([row, start, col - start]);
    }
  }
  return { size: modules.size, runs };
}

/** The QR code as one filled path, a rectangle per horizontal run (no seams between squares). */
function drawQrCode(doc: PDFKit.PDFDocument, qr: ReturnType<typeof qrRuns>): void {
  const { x, y, size } = POSTCARD_LAYOUT.qr;
  const module = mm(size) / qr.size;
  for (const [row, col, length] of qr.runs) doc.rect(mm(x) + col * module, mm(y) + row * module, length * module, module);
  doc.fillColor('black').fill();
}

interface Placed extends PDFKit.Mixins.TextOptions {
  /** Millimetres from the left and top edges; width in millimetres too. */
  x: number;
  y: number;
  width: number;
  size: number;
  font?: string;
}

function write(doc: PDFKit.PDFDocument, value: string, { x, y, width, size, font = FONT, ...options }: Placed): void {
  doc.font(font).fontSize(size).fillColor('black').text(value, mm(x), mm(y), { ...options, width: mm(width) });
}

function drawPostcard(doc: PDFKit.PDFDocument, batch: PostcardBatch, card: Postcard, mono: string, qrCode: ReturnType<typeof qrRuns>): void {
  const { margin, width, qr } = POSTCARD_LAYOUT;
  const full = { x: margin, width: width - 2 * margin };

  write(doc, batch.unionName, { ...full, y: margin, size: 9, height: mm(5), ellipsis: true });
  write(doc, TITLE, { ...full, y: margin + 6, size: 16 });
  doc.moveTo(mm(margin), mm(margin + 14)).lineTo(mm(width - margin), mm(margin + 14)).lineWidth(0.6).stroke('black');
  write(doc, `${card.nameKanji} 様`, { ...full, y: margin + 18, size: 12, height: mm(6), ellipsis: true });
  write(doc, INTRO, { ...full, y: margin + 27, size: 8, lineGap: 1.5 });

  drawQrCode(doc, qrCode);
  const beside = { x: qr.x + qr.size + 5, width: width - margin - (qr.x + qr.size + 5) };
  write(doc, 'アクセスURL', { ...beside, y: qr.y + 1, size: 7.5 });
  write(doc, batch.url, { ...beside, y: qr.y + 6, size: 8.5, height: mm(qr.size - 15), ellipsis: true });
  write(doc, 'スマートフォンでQRコードを読み取ると、ログイン画面が開きます。', { ...beside, y: qr.y + qr.size - 8, size: 6.5 });

  const box = { y: qr.y + qr.size + 5, height: 30 };
  doc.roundedRect(mm(margin), mm(box.y), mm(full.width), mm(box.height), mm(2)).lineWidth(0.8).stroke('black');
  const inside = { x: margin + 4, width: full.width - 8 };
  write(doc, '仮ユーザID', { ...inside, y: box.y + 2.5, size: 8 });
  write(doc, card.temporaryUserId, { ...inside, y: box.y + 7, size: 15, font: mono, characterSpacing: 1.5 });
  write(doc, '仮パスワード', { ...inside, y: box.y + 16, size: 8 });
  write(doc, card.temporaryPassword, { ...inside, y: box.y + 20.5, size: 15, font: mono, characterSpacing: 1.5 });

  write(doc, `有効期限　${dateJa(card.expiresAt)}`, { ...full, y: box.y + box.height + 3, size: 10 });
  write(doc, FIRST_LOGIN_NOTE, { ...full, y: box.y + box.height + 9.5, size: 7.5, lineGap: 1.5 });
  write(doc, KEEP_SECRET, { ...full, y: box.y + box.height + 18, size: 7 });
}

const PAGES_PER_TURN = 10; // about 50-100 ms of drawing

/** One page per postcard, collected into a Buffer; `onPage` hears how many pages are drawn. */
export async function postcardsPdf(batch: PostcardBatch, onPage: (done: number) => void = () => {}): Promise<Buffer> {
  const doc = new PDFDocument({
    size: [mm(POSTCARD_LAYOUT.width), mm(POSTCARD_LAYOUT.height)],
    margin: 0,
    autoFirstPage: false,
    lang: 'ja-JP',
    displayTitle: true,
    info: {
      Title: TITLE,
      Author: batch.unionName,
      Creator: 'kenpo-id',
      CreationDate: new Date(batch.issuedAt), // not "now": the same batch gives the same file
    },
  });
  return renderPdf(doc, async () => {
    const mono = await useFonts(doc);
    const qrCode = qrRuns(batch.url);
    for (const [i, card] of batch.postcards.entries()) {
      doc.addPage();
      drawPostcard(doc, batch, card, mono, qrCode);
      onPage(i + 1);
      // Drawing is on the event loop: a pause every few pages keeps the IdP answering logins meanwhile.
      if ((i + 1) % PAGES_PER_TURN === 0) await yieldToEventLoop();
    }
  });
}
