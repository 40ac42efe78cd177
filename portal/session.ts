import type { Request } from 'express';

/** What the portal remembers of a member logged in through one union's issuer. */
export interface MemberSession {
  sub: string;
  name: string;
  idToken: string;
  /** The ID token's `acr`: how strongly the member authenticated. */
  acr?: string;
  /** The ID token's `locale`: the member's language at the IdP, when they set one. */
  locale?: string;
  /** The ID token's `auth_time` (epoch seconds), when the IdP sent it. */
  authTime?: number;
  accessToken: string;
  refreshToken?: string;
  /** Epoch ms when the access token expires. */
  accessTokenExpiresAt: number;
}

/** An authorization request in flight: the checks the callback must see again. */
export interface PendingLogin {
  slug: string;
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
  /** Sent back to log in because the union requires a stronger acr: the callback must not loop. */
  stepUp?: boolean;
  /** Sent back for a recent login: the `max_age` asked, which the callback checks against auth_time. */
  maxAge?: number;
}

declare module 'express-session' {
  interface SessionData {
    csrf?: string;
    pendingLogin?: PendingLogin;
    /** Logouts sent to the IdP, by union slug: the `state` its post-logout redirect must bring back. */
    pendingLogout?: Record<string, string>;
    members?: Record<string, MemberSession>;
  }
}

/** The `locale` claim of an ID token, when it names a language. */
export const localeClaim = (claims: Record<string, unknown> | undefined): string | undefined =>
  (typeof claims?.locale === 'string' ? claims.locale : undefined);

export const memberOf = (req: Request, slug: string): MemberSession | undefined => req.session.members?.[slug];

/** A new session id at login, keeping what the old session held (prevents session fixation). */
export function regenerate(req: Request): Promise<void> {
  const { members } = req.session;
  return new Promise((resolve, reject) => {
    req.session.regenerate((err) => {
      if (err) return reject(err);
      req.session.members = members;
      resolve();
    });
  });
}
