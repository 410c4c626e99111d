import { checkRegex } from '../search/matcher';
import { startSearch } from '../search/search-job';
import type { DomainHandlers, HandlerContext } from './types';

export const searchHandlers = ({ connections, emit }: HandlerContext): DomainHandlers<'search'> => ({
  start: async (req) => {
    const conn = connections.get(req.profileId);
    // Refused before any job exists: an invalid pattern is the caller's to fix.
    if (req.mode === 'regex') checkRegex(req.query, req.caseSensitive === true);
    return startSearch(conn, req, (jobId, hits) => emit('event:search-hits', { profileId: req.profileId, jobId, hits }));
  },
});
