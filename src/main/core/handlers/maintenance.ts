import { compact, checkSnapshotTarget, endpointOf, disarm, hashKv, listAlarms, moveLeader, planDefragment, runDefragment, runSnapshot } from '../etcd/maintenance';
import { failure } from '../etcd/errors';
import type { ChooseSaveFile, DomainHandlers, HandlerContext } from './types';

export const maintenanceHandlers = ({ connections }: HandlerContext, chooseSaveFile?: ChooseSaveFile): DomainHandlers<'maintenance'> => ({
  compact: ({ profileId, revision, physical }) => compact(connections.get(profileId).session, revision, physical ?? false),
  defragment: async ({ profileId, target }) => {
    const c = connections.get(profileId);
    const plan = await planDefragment(c.session, target);
    return c.tasks.startJob('defragment', (job) => runDefragment(c.session, plan, job));
  },
  snapshot: async ({ profileId, memberId, path }) => {
    const c = connections.get(profileId);
    await checkSnapshotTarget(path);
    const { endpoint } = await endpointOf(c.session, memberId);
    return c.tasks.startJob('snapshot', (job) => runSnapshot(c.session, { endpoint, memberId, path }, job));
  },
  chooseFile: async ({ current }) => {
    if (!chooseSaveFile) throw failure('NOT_FOUND', 'No file dialog is available here: type or paste the path instead.');
    const path = await chooseSaveFile({
      title: 'Save a snapshot of the member',
      defaultPath: current || 'etcd-snapshot.db',
      filters: [{ name: 'etcd snapshot', extensions: ['db'] }, { name: 'All files', extensions: ['*'] }],
    });
    return { path };
  },
  alarms: ({ profileId }) => listAlarms(connections.get(profileId).session),
  disarm: ({ profileId, memberId, alarm }) => disarm(connections.get(profileId).session, { ...(memberId ? { memberId } : {}), ...(alarm ? { alarm } : {}) }),
  hashKv: ({ profileId, revision }) => hashKv(connections.get(profileId).session, revision),
  moveLeader: ({ profileId, targetMemberId }) => moveLeader(connections.get(profileId).session, targetMemberId),
});
