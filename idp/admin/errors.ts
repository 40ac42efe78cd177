import type { z } from 'zod';

/** An admin API error: a stable machine code, a human message, and for bad input the fields at fault. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: { field: string; message: string }[],
  ) {
    super(message);
  }

  toJSON() {
    return { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } };
  }
}

export function validationError(error: z.ZodError): ApiError {
  const details = error.issues.map((issue) => ({
    field: issue.path.join('.') || '(body)',
    message: issue.message,
  }));
  return new ApiError(400, 'validation_failed', 'The request has invalid fields; see details.', details);
}

export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} not found`);
