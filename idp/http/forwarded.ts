import type { Middleware } from 'koa';
import { clientAddress, forwardedProtocol, isTrustedHop, type ProxyTrust } from '../../net/client-address.js';

/**
 * Koa's own `proxy` mode takes the left-most X-Forwarded-For entry (the client's to choose) and
 * believes X-Forwarded-* from anyone. This runs first on every request and fixes what the rest of
 * the IdP, oidc-provider included, reads through the same context: `ctx.ip` is the right-most
 * untrusted hop, `ctx.protocol`/`ctx.secure` follow X-Forwarded-Proto only from a trusted peer, and
 * X-Forwarded-Host counts only from a trusted peer.
 */
export function trustedForwarding(trust: ProxyTrust): Middleware {
  return async (ctx, next) => {
    const socket = ctx.req.socket;
    ctx.request.ip = clientAddress(trust, socket.remoteAddress, ctx.get('X-Forwarded-For'));
    const protocol = forwardedProtocol(trust, socket as { remoteAddress?: string; encrypted?: boolean }, ctx.get('X-Forwarded-Proto'));
    Object.defineProperty(ctx.request, 'protocol', { value: protocol, configurable: true });
    if (!isTrustedHop(trust, socket.remoteAddress ?? '', 0)) {
      Object.defineProperty(ctx.request, 'host', { value: ctx.get('Host'), configurable: true });
    }
    await next();
  };
}

/** Koa's `proxy` flag: on only when some proxy is trusted (then X-Forwarded-Host is read, gated above). */
export const koaProxyFlag = (trust: ProxyTrust) => trust.kind !== 'none';
