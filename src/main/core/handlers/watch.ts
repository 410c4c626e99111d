import { failure } from '../etcd/errors';
import type { DomainHandlers, HandlerContext } from './types';

// Placeholder until the watch service lands (issue 11).
const todo = (): never => {
  throw failure('INTERNAL', 'Not built yet.');
};

export const watchHandlers = (_ctx: HandlerContext): DomainHandlers<'watch'> => ({
  prefix: async () => todo(),
  key: async () => todo(),
});
