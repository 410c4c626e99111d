import { isRestorable } from '../../../shared/contract/audit';
import type { AuditTrail } from '../audit/trail';
import { AppFailure, failure } from '../etcd/errors';
import { HistoryService } from '../etcd/history';
import type { DomainHandlers, HandlerContext } from './types';

/**
 * The audit trail's reads, and restoring the value a key had before an audited write: the key
 * as it was at (revision after - 1), written back compare-and-swap on its mod revision now.
 * `restore` is a write: the gate and the audit cover it by its effect.
 */
export const auditHandlers = ({ connections }: HandlerContext, trail: AuditTrail): DomainHandlers<'audit'> => ({
  list: (req) => trail.list(req),
  restore: async (req) => {
    const entry = await trail.find(req.profileId, req.entryId);
    if (!entry) throw failure('NOT_FOUND', 'That audit entry does not exist (it may have been rotated out).');
    if (!isRestorable(entry) || !entry.key || !entry.revisionAfter) {
      throw failure('INVALID_ARGUMENT', 'Only an applied write that overwrote or deleted one key has a value before it to restore.', { field: 'entryId' });
    }
    const c = connections.get(req.profileId);
    const current = await c.kv.get({ profileId: req.profileId, key: entry.key }).then(
      (kv) => kv.modRevision,
      (err: unknown) => {
        if (err instanceof AppFailure && err.error.code === 'NOT_FOUND') return 0;
        throw err;
      },
    );
    const from = entry.revisionAfter - 1;
    const put = await new HistoryService(c.session, c.kv).restore({ profileId: req.profileId, key: entry.key, revision: from, expectedModRevision: current });
    return { ...put, key: entry.key, restoredFrom: from, expectedModRevision: current };
  },
});
