import type { Request } from 'express';
import { AVATAR_MAX_BYTES } from './avatar-image.js';

/**
 * Reads the avatar form (multipart/form-data: the file, the crop choice, the CSRF token) as it
 * arrives, keeping at most the largest allowed image plus room for the other fields. Past that
 * nothing more is kept: the rest is read and dropped up to a limit, so that a browser still sending
 * a somewhat large photo gets the page that explains (browsers rarely show an answer that arrives
 * while they are still sending), and reading stops there (Node then closes the connection after
 * the answer). The parsing itself is the platform's (the fetch API's FormData).
 */
export interface UploadForm {
  /** The text fields, by name (the last of a repeated name). */
  fields: Record<string, string>;
  /** The file fields, in order. */
  files: Array<{ field: string; bytes: Buffer }>;
}

export type UploadRead =
  | { ok: true; form: UploadForm }
  | { ok: false; reason: 'too-large' | 'malformed' | 'aborted' };

/** The form's text fields and multipart framing: a few hundred bytes in practice. */
const FIELDS_ALLOWANCE = 64 * 1024;
export const UPLOAD_MAX_BODY = AVATAR_MAX_BYTES + FIELDS_ALLOWANCE;
/** After a refusal, how much more of the body is read and dropped before the portal stops reading. */
export const UPLOAD_DRAIN_LIMIT = 16 * 1024 * 1024;

export function readUpload(req: Request): Promise<UploadRead> {
  const contentType = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data\s*;.*\bboundary=/i.test(contentType)) return Promise.resolve({ ok: false, reason: 'malformed' });
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  // Declared too large to be worth reading even to drop it: answered at once.
  if (declared > UPLOAD_MAX_BODY + UPLOAD_DRAIN_LIMIT) return Promise.resolve({ ok: false, reason: 'too-large' });

  return new Promise((resolve) => {
    let chunks: Buffer[] = [];
    let received = 0;
    const stop = (result: UploadRead) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onFailure);
      req.off('aborted', onFailure);
      chunks = [];
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received <= UPLOAD_MAX_BODY) return void chunks.push(chunk);
      chunks = []; // too large: nothing of it is kept from here on
      if (received > UPLOAD_MAX_BODY + UPLOAD_DRAIN_LIMIT) {
        req.pause();
        stop({ ok: false, reason: 'too-large' });
      }
    };
    const onEnd = () => {
      if (received > UPLOAD_MAX_BODY) return stop({ ok: false, reason: 'too-large' });
      const body = Buffer.concat(chunks, received);
      chunks = [];
      parse(body, contentType).then(stop);
    };
    const onFailure = () => stop({ ok: false, reason: 'aborted' });
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onFailure);
    req.on('aborted', onFailure);
  });
}

async function parse(body: Buffer, contentType: string): Promise<UploadRead> {
  let entries: FormData;
  try {
    entries = await new Response(body as Uint8Array<ArrayBuffer>, { headers: { 'content-type': contentType } }).formData();
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const form: UploadForm = { fields: {}, files: [] };
  const parts: Array<[string, FormDataEntryValue]> = [];
  entries.forEach((value, field) => parts.push([field, value]));
  for (const [field, value] of parts) {
    if (typeof value === 'string') form.fields[field] = value;
    else form.files.push({ field, bytes: Buffer.from(await value.arrayBuffer()) });
  }
  return { ok: true, form };
}
