import { seek } from '../etcd/seek';
import type { DomainHandlers, HandlerContext } from './types';

export const kvHandlers = ({ connections }: HandlerContext): DomainHandlers<'kv'> => ({
  list: (req) => connections.get(req.profileId).kv.list(req),
  get: (req) => connections.get(req.profileId).kv.get(req),
  put: (req) => connections.get(req.profileId).kv.put(req),
  delete: (req) => connections.get(req.profileId).kv.delete(req),
  count: (req) => connections.get(req.profileId).kv.count(req),
  previews: (req) => connections.get(req.profileId).kv.previews(req),
  children: (req) => connections.get(req.profileId).kv.children(req),
  seek: (req) => seek(connections.get(req.profileId).session, req),
});
