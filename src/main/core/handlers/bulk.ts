import { failure } from '../etcd/errors';
import { bulkStateOf } from '../bulk/bulk-state';
import { checkCopy, runCopy } from '../bulk/copy';
import { planDelete } from '../bulk/delete-plan';
import { runDelete } from '../bulk/bulk-delete';
import { runUndo } from '../bulk/undo';
import type { DomainHandlers, HandlerContext } from './types';

export const bulkHandlers = ({ connections }: HandlerContext): DomainHandlers<'bulk'> => ({
  planDelete: async ({ profileId, source }) => {
    const conn = connections.get(profileId);
    return planDelete(conn.session, bulkStateOf(conn), source);
  },
  delete: async ({ profileId, planId, typed }) => {
    const conn = connections.get(profileId);
    const state = bulkStateOf(conn);
    const plan = state.plan(planId);
    if (!plan) throw failure('NOT_FOUND', 'This delete was not counted on the current connection (or it was already run): count the keys again.');
    if (plan.used) throw failure('CONFLICT', 'This delete is already running or done: count the keys again to delete more.');
    if (!plan.confirmWith.includes(typed.trim())) {
      const what = plan.confirmWith.length > 1 ? `the prefix “${plan.confirmWith[0]}” or the number ${plan.confirmWith[1]}` : `the number ${plan.confirmWith[0]}`;
      throw failure('INVALID_ARGUMENT', `Nothing was deleted: to confirm deleting these ${plan.keys.length} keys, type ${what}.`, { field: 'typed' });
    }
    plan.used = true;
    return conn.tasks.startJob('bulk-delete', (ctx) => runDelete(conn.session, state, plan, ctx));
  },
  undo: async ({ profileId, undoId }) => {
    const conn = connections.get(profileId);
    const state = bulkStateOf(conn);
    const rec = state.undo(undoId);
    if (!rec) throw failure('NOT_FOUND', 'Undo is no longer available for that delete: it was done already, the connection was closed since, or newer deletes needed the memory kept for Undo.');
    if (rec.busy) throw failure('CONFLICT', 'This undo is already running.');
    rec.busy = true;
    try {
      return conn.tasks.startJob('bulk-undo', (ctx) => runUndo(conn.session, state, rec, ctx));
    } catch (err) {
      rec.busy = false;
      throw err;
    }
  },
  copy: async (req) => {
    checkCopy(req);
    const source = connections.get(req.profileId);
    const target = req.targetProfileId === req.profileId ? source : connections.get(req.targetProfileId);
    const others = target === source ? [] : [target.tasks];
    return source.tasks.startJob('bulk-copy', (ctx) => runCopy(source.session, target.session, req, ctx), { alsoEndsWith: others });
  },
});
