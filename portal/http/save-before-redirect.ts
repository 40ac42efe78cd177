import type { NextFunction, Request, Response } from 'express';

/**
 * A redirect leaves only after the session holding something is stored. express-session writes a
 * response's headers before its store has saved the session, so a browser could follow the redirect
 * and read the session as it was (a login not yet in it, a notice missing). An empty session of an
 * anonymous visitor is not stored: nothing to lose, and no row per stranger.
 */
export function saveSessionBeforeRedirect(req: Request, res: Response, next: NextFunction): void {
  const redirect = res.redirect.bind(res) as (...args: unknown[]) => void;
  res.redirect = ((...args: unknown[]) => {
    const session = req.session;
    if (!session || !Object.keys(session).some((key) => key !== 'cookie')) return redirect(...args);
    session.save((err) => (err ? next(err) : redirect(...args)));
  }) as Response['redirect'];
  next();
}
