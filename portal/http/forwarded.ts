import type { Express } from 'express';
import { clientAddress, forwardedProtocol, isTrustedHop, type ProxyTrust } from '../../net/client-address.js';

/**
 * The IdP's proxy rule (net/client-address.ts) for Express: `trust proxy` as a function of
 * (address, hops from here), which also gates X-Forwarded-Host; `req.ip` and `req.protocol` (and so
 * `req.secure`, which express-session asks) computed by the same walk as the IdP's, so the two
 * programs agree on malformed chains too.
 */
export function applyProxyTrust(app: Express, trust: ProxyTrust): void {
  app.set('trust proxy', (address: string, hop: number) => isTrustedHop(trust, address, hop));
  Object.defineProperties(app.request, {
    ip: {
      configurable: true, enumerable: true,
      get(this: Express['request']) { return clientAddress(trust, this.socket.remoteAddress, this.get('X-Forwarded-For')); },
    },
    protocol: {
      configurable: true, enumerable: true,
      get(this: Express['request']) {
        return forwardedProtocol(trust, this.socket as { remoteAddress?: string; encrypted?: boolean }, this.get('X-Forwarded-Proto'));
      },
    },
  });
}
