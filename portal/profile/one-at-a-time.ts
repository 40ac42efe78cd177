/**
 * Runs the given jobs one after another. Decoding an upload may cost up to 160 MB of pixels
 * (avatar-image.ts): the portal decodes one at a time, so a burst of uploads queues instead of
 * multiplying that by the thread pool's size.
 */
export function oneAtATime(): <T>(job: () => Promise<T>) => Promise<T> {
  let last: Promise<unknown> = Promise.resolve();
  return (job) => {
    const run = last.then(job, job);
    last = run.catch(() => undefined);
    return run;
  };
}
