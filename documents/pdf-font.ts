/**
 * The Japanese font embedded in statement PDFs: a file on this machine (Debian's fonts-noto-cjk by
 * default), never fetched at run time. PDF_FONT_PATH names another file; PDF_FONT_FAMILY picks the face
 * inside a collection (.ttc), by PostScript name.
 */
import fs from 'node:fs/promises';
import * as fontkit from 'fontkit';

export const DEFAULT_PDF_FONT_PATH = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc';
const DEFAULT_COLLECTION_FACE = 'NotoSansCJKjp-Regular';

export interface PdfFont {
  path: string;
  data: Buffer;
  /** The face to use inside a collection; undefined for a single-face .ttf/.otf. */
  family: string | undefined;
}

export class PdfFontError extends Error {
  override name = 'PdfFontError';
}

type Env = Record<string, string | undefined>;

const cache = new Map<string, Promise<Buffer>>();

/** Reads the font once per path (the Noto collection is ~20 MB; pdfkit embeds only the glyphs used). */
export async function loadPdfFont(env: Env = process.env): Promise<PdfFont> {
  const path = env.PDF_FONT_PATH || DEFAULT_PDF_FONT_PATH;
  const family = env.PDF_FONT_FAMILY || (/\.(ttc|otc)$/i.test(path) ? DEFAULT_COLLECTION_FACE : undefined);
  let data = cache.get(path);
  if (!data) {
    data = fs.readFile(path);
    cache.set(path, data);
  }
  try {
    return { path, data: await data, family };
  } catch (err) {
    cache.delete(path);
    throw new PdfFontError(
      `PDF font not readable at ${path} (${(err as Error).message}). Install Debian's fonts-noto-cjk, ` +
        'or set PDF_FONT_PATH to a Japanese TrueType/OpenType font (and PDF_FONT_FAMILY for a .ttc collection).',
    );
  }
}

const parsed = new Map<string, fontkit.Font>();

/**
 * Registers the Japanese font (or another face of the same collection) on a document as `name`.
 * The parsed face is kept for the life of the process: parsing the collection and its layout tables
 * is a large part of a statement's cost, and pdfkit subsets per document anyway.
 */
export async function registerPdfFont(doc: PDFKit.PDFDocument, name: string, face?: string, env: Env = process.env): Promise<void> {
  const font = await loadPdfFont(env);
  const family = face ?? font.family;
  const key = `${font.path}#${family ?? ''}`;
  try {
    let parsedFace = parsed.get(key);
    if (!parsedFace) {
      const opened = fontkit.create(font.data, family);
      if (!('layout' in opened)) throw new Error(`no face ${family ?? ''} in the collection`);
      parsedFace = opened;
      parsed.set(key, parsedFace);
    }
    // pdfkit takes a fontkit font as a source; its typings list only paths and buffers.
    doc.registerFont(name, parsedFace as unknown as Buffer);
    doc.font(name);
  } catch (err) {
    throw new PdfFontError(`cannot use the PDF font ${font.path} ${family ?? ''}: ${(err as Error).message}`);
  }
}

/**
 * Runs `draw` on a new document (whose fonts it registers itself) and collects the file; a pdfkit
 * error rejects instead of leaving the caller waiting.
 */
export async function renderPdf(doc: PDFKit.PDFDocument, draw: () => void | Promise<void>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  await draw();
  doc.end();
  await finished;
  return Buffer.concat(chunks);
}
