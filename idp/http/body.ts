import type { Context } from 'koa';

export class BodyError extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}

/** Reads a request body up to `limit` bytes; larger bodies are refused before they are buffered. */
async function readBody(ctx: Context, limit: number): Promise<string> {
  const declared = Number(ctx.get('content-length') || 0);
  if (declared > limit) throw new BodyError(413, 'request body too large');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyError(413, 'request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** An HTML form post, as a map of field name → last value. */
export async function readForm(ctx: Context, limit = 16 * 1024): Promise<Record<string, string>> {
  if (!ctx.is('application/x-www-form-urlencoded')) throw new BodyError(415, 'expected a form submission');
  return Object.fromEntries(new URLSearchParams(await readBody(ctx, limit)));
}

export async function readJson(ctx: Context, limit = 1024 * 1024): Promise<unknown> {
  if (!ctx.is('application/json')) throw new BodyError(415, 'expected application/json');
  const text = await readBody(ctx, limit);
  try {
    return JSON.parse(text);
  } catch {
    throw new BodyError(400, 'request body is not valid JSON');
  }
}
