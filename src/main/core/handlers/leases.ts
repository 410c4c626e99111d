import { failure } from '../etcd/errors';
import type { DomainHandlers, HandlerContext } from './types';

// Placeholder until the lease service lands (issue 11).
const todo = (): never => {
  throw failure('INTERNAL', 'Not built yet.');
};

export const leaseHandlers = (_ctx: HandlerContext): DomainHandlers<'leases'> => ({
  list: async () => todo(),
  detail: async () => todo(),
  grant: async () => todo(),
  revoke: async () => todo(),
  keepAliveOnce: async () => todo(),
  keepAlive: async () => todo(),
});
