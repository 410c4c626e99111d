import { failure } from '../etcd/errors';
import type { DomainHandlers, HandlerContext } from './types';

// Placeholder until the history service lands (issue 11).
const todo = (): never => {
  throw failure('INTERNAL', 'Not built yet.');
};

export const historyHandlers = (_ctx: HandlerContext): DomainHandlers<'history'> => ({
  bounds: async () => todo(),
  versions: async () => todo(),
  get: async () => todo(),
  deleted: async () => todo(),
  restore: async () => todo(),
});
