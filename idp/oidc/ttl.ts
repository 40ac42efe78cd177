/** Lifetimes (seconds) of what oidc-provider issues; Session's is the union's (session-lifetime.ts). */
export const TTL = {
  AccessToken: 10 * 60,
  AuthorizationCode: 60,
  ClientCredentials: 10 * 60,
  IdToken: 10 * 60,
  Interaction: 30 * 60,
  Grant: 30 * 24 * 60 * 60,
  RefreshToken: 14 * 24 * 60 * 60,
};
