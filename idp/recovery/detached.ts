/**
 * Runs `task` after the current request has been answered; a failure is logged, never shown.
 * Recovery requests use it so that what depends on the account (a lookup that finds it, a link,
 * SMTP) never shapes the answer or its timing (see request-guard.ts).
 */
export function runDetached(label: string, task: () => Promise<unknown>): void {
  setImmediate(() => {
    task().catch((err) => console.error(`[idp] ${label} failed`, err));
  });
}
