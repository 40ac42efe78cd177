/**
 * What every admin API handler needs from the request: the state the router's middleware sets up,
 * a JSON body read under the API's limits, and validation into API errors.
 */
import type { RouterContext } from '@koa/router';
import type { z } from 'zod';
import { BodyError, readJson } from '../http/body.js';
import type { UnionState } from '../http/context.js';
import { ApiError, validationError, zodIssueKey } from './errors.js';

export interface AdminState extends UnionState {
  admin: { clientId: string };
  /** Set by each handler: what the audit entry says was done, and to whom. Never secrets. */
  audit: { action: string; target?: string; detail?: Record<string, unknown> };
}
export type AdminContext = RouterContext<AdminState>;

export function parse<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input, { error: zodIssueKey });
  if (!result.success) throw validationError(result.error);
  return result.data;
}

export async function jsonBody(ctx: AdminContext): Promise<unknown> {
  try {
    return await readJson(ctx);
  } catch (err) {
    if (err instanceof BodyError) {
      const said = err.status === 413 ? 'admin.error.tooLarge' : err.status === 415 ? 'admin.error.expectedJson' : 'admin.error.invalidJson';
      throw new ApiError(err.status, err.status === 413 ? 'payload_too_large' : 'invalid_body', said);
    }
    throw err;
  }
}
