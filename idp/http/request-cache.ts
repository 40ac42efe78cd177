import { AsyncLocalStorage } from 'node:async_hooks';
import type { Middleware } from 'koa';

/**
 * Reads remembered for the rest of one HTTP request, so a request asks the database each thing once
 * (oidc-provider loads the same interaction, session and account several times per request: its
 * own checks, our prompt checks, interactionFinished). A write through the owning repository
 * forgets the reads it affects. Outside a request (CLIs, workers) nothing is remembered.
 */
const scope = new AsyncLocalStorage<Map<string, Promise<unknown>>>();

export function requestCache(): Middleware {
  return (_ctx, next) => scope.run(new Map(), next);
}

/** `read()` once per request for `key`; a failed read is not remembered. */
export function readOnce<T>(key: string, read: () => Promise<T>): Promise<T> {
  const reads = scope.getStore();
  if (!reads) return read();
  let pending = reads.get(key) as Promise<T> | undefined;
  if (!pending) {
    pending = read();
    reads.set(key, pending);
    pending.catch(() => reads.delete(key));
  }
  return pending;
}

/** After a write: forget every remembered read whose key starts with `prefix`. */
export function forgetReads(prefix: string): void {
  const reads = scope.getStore();
  if (!reads) return;
  for (const key of reads.keys()) if (key.startsWith(prefix)) reads.delete(key);
}
