import { HistoryService } from '../etcd/history';
import type { DomainHandlers, HandlerContext } from './types';

/** History reads and restores (etcd/history.ts); the write gate covers `restore` by its effect. */
export const historyHandlers = ({ connections }: HandlerContext): DomainHandlers<'history'> => {
  const history = (profileId: string) => {
    const c = connections.get(profileId);
    return new HistoryService(c.session, c.kv);
  };
  return {
    bounds: (req) => history(req.profileId).bounds(),
    versions: (req) => history(req.profileId).versions(req),
    get: (req) => history(req.profileId).get(req),
    deleted: (req) => history(req.profileId).deleted(req),
    restore: (req) => history(req.profileId).restore(req),
  };
};
