import type { Union } from '../unions/union-repository.js';

/** Where a member starts a login again from a dead-end page: the union's portal, else the account console. */
export const restartUrlOf = (union: Union): string => union.policy.portalUrl ?? `/u/${union.slug}/account/`;
