import type { Request } from 'express';
import { AVATAR_MAX_BYTES } from './avatar-image.js';

/**
 * Reads the avatar form (multipart/form-data: the file, the crop choice, the CSRF token) while it
 * arrives, keeping at most the largest allowed image plus room for the other fields: beyond that
 * nothing more is kept, the request is answered at once, and the connection is closed if the
 * sender goes on much longer. The parsing itself is the platform's (the fetch API's FormData).
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
/**
 * After a refusal, how much more of the body is read (and dropped) so that a browser still sending
 * a somewhat large photo receives the page that explains; a sender going on past it is cut off.
 */
export const UPLOAD_DRAIN_LIMIT = 16 * 1024 * 1024;

export function readUpload(req: Request): Promise<UploadRead> {
  const contentType = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data\s*;.*\bboundary=/i.test(contentType)) return Promise.resolve({ ok: false, reason: 'malformed' });
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (declared > UPLOAD_MAX_BODY) {
    dropRest(req, 0);
    return Promise.resolve({ ok: false, reason: 'too-large' });
  }

  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const stop = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onFailure);
      req.off('aborted', onFailure);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received <= UPLOAD_MAX_BODY) return void chunks.push(chunk);
      stop();
      chunks.length = 0;
      dropRest(req, received);
      resolve({ ok: false, reason: 'too-large' });
    };
    const onEnd = () => {
      stop();
      parse(Buffer.concat(chunks, received), contentType).then(resolve);
    };
    const onFailure = () => {
      stop();
      resolve({ ok: false, reason: 'aborted' });
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onFailure);
    req.on('aborted', onFailure);
  });
}

/** Reads and drops what the sender still sends, up to the drain limit; then ends the connection. */
function dropRest(req: Request, alreadyRead: number): void {
  let dropped = alreadyRead;
  const cutOff = () => req.socket.destroy();
  if (req.readableEnded) return;
  req.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > UPLOAD_MAX_BODY + UPLOAD_DRAIN_LIMIT) cutOff();
  });
  req.on('error', () => { /* the connection is gone: nothing left to drop */ });
  req.resume();
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
