import { useEffect } from 'react';
import type { ClusterStatus } from '../../../../shared/types';
import { useAppStore } from '../../app/store-context';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { formatSize } from '../../ui/format';
import { describeError } from '../../ui/messages';

/** How often the open cluster view reads the status again. */
export const CLUSTER_REFRESH_MS = 2000;

/**
 * The cluster panel (Cluster button / `cluster-view` command): alarms first, then members and
 * per-endpoint status. It refreshes itself every couple of seconds while open; a slow or dead
 * member never stacks requests (one at a time) and the last status stays shown meanwhile.
 */
export function ClusterView() {
  const status = useAppStore((s) => s.clusterStatus);
  const loading = useAppStore((s) => s.clusterLoading);
  const error = useAppStore((s) => s.clusterError);
  const load = useAppStore((s) => s.loadClusterStatus);
  const close = useAppStore((s) => s.toggleClusterView);
  const activeProfileId = useAppStore((s) => s.activeProfileId);
  const profile = useAppStore((s) => s.activeProfile());
  const reconnect = useAppStore((s) => s.reconnect);
  const openProfileForm = useAppStore((s) => s.openProfileForm);
  const openAccess = useAppStore((s) => s.toggleAccessView);
  const connected = activeProfileId !== null;

  useEffect(() => {
    if (!activeProfileId) return;
    const timer = setInterval(() => void load(), CLUSTER_REFRESH_MS);
    return () => clearInterval(timer);
  }, [activeProfileId, load]);

  return (
    <section className="cluster-view" aria-label="Cluster" data-testid="cluster-view">
      <div className="cluster-header">
        <h2>Cluster{status?.clusterId ? <span className="muted mono"> {status.clusterId}</span> : null}</h2>
        <span className="spacer" />
        {status ? (
          <span className="muted cluster-updated" data-testid="cluster-updated" title={`Refreshes every ${CLUSTER_REFRESH_MS / 1000} s while open`}>
            {loading ? 'refreshing…' : `updated ${new Date(status.at).toLocaleTimeString()}`}
          </span>
        ) : null}
        <button type="button" onClick={() => void load()} disabled={!connected}>
          Refresh
        </button>
        <button type="button" onClick={() => openAccess(true)} disabled={!connected} data-testid="open-access-view">
          Users &amp; roles
        </button>
        <button type="button" onClick={() => close(false)}>
          Back to keys
        </button>
      </div>
      {!connected ? <p className="muted pad">Connect to a profile to see its cluster.</p> : null}
      {error ? (
        <ErrorNotice
          error={error}
          context={{ op: 'cluster', profileName: profile?.name, username: profile?.username, deadlineMs: profile?.deadlineMs }}
          handlers={{
            retry: () => void load(),
            reconnect: () => void reconnect(),
            ...(profile ? { 'edit-profile': () => openProfileForm('edit', profile) } : {}),
          }}
          testId="cluster-error"
        />
      ) : null}
      {status ? <ClusterTables status={status} /> : loading ? <p className="muted pad">Reading cluster status…</p> : null}
    </section>
  );
}

function ClusterTables({ status }: { status: ClusterStatus }) {
  const nameOf = (id: string | undefined) => (id ? status.members.find((m) => m.id === id)?.name || id : '');
  const leader = status.members.find((m) => m.isLeader);
  const reachable = status.endpoints.filter((e) => e.reachable).length;
  return (
    <>
      {status.alarms.length > 0 ? (
        <div className="cluster-alarms" role="alert" data-testid="cluster-alarms">
          <strong>Alarm{status.alarms.length > 1 ? 's' : ''}:</strong>{' '}
          {status.alarms.map((a) => `${a.alarm} on ${nameOf(a.memberId)}`).join(', ')}
          {status.alarms.some((a) => a.alarm === 'NOSPACE')
            ? ' — the cluster is out of space and refuses writes until it is compacted, defragmented and the alarm disarmed.'
            : null}
        </div>
      ) : null}
      <p className="cluster-summary" data-testid="cluster-summary">
        {status.members.length} member{status.members.length === 1 ? '' : 's'} ·{' '}
        {leader ? `leader ${leader.name || leader.id}` : <span className="error-text">no leader</span>} ·{' '}
        <span className={reachable < status.endpoints.length ? 'error-text' : undefined}>
          {reachable}/{status.endpoints.length} endpoints reachable
        </span>
      </p>
      <h3>Members</h3>
      <div className="table-scroll">
        <table className="table" data-testid="cluster-members">
          <thead>
            <tr>
              <th>Name</th>
              <th>ID</th>
              <th>Role</th>
              <th>Client URLs</th>
              <th>Peer URLs</th>
            </tr>
          </thead>
          <tbody>
            {status.members.map((m) => {
              const role = m.isLeader ? 'leader' : m.isLearner ? 'learner' : 'follower';
              return (
                <tr key={m.id} data-testid="cluster-member" data-role={role}>
                  <td>{m.name || <span className="muted">(unstarted)</span>}</td>
                  <td className="mono">{m.id}</td>
                  <td>
                    <span className={`role-badge role-${role}`}>{role}</span>
                  </td>
                  <td className="mono">{m.clientUrls.join(', ')}</td>
                  <td className="mono">{m.peerUrls.join(', ')}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <h3>Endpoints</h3>
      <div className="table-scroll">
        <table className="table" data-testid="cluster-endpoints">
          <thead>
            <tr>
              <th>Endpoint</th>
              <th>Member</th>
              <th>Status</th>
              <th>Version</th>
              <th className="num">DB size</th>
              <th className="num">Raft term</th>
              <th className="num">Raft index</th>
              <th className="num">Latency</th>
            </tr>
          </thead>
          <tbody>
            {status.endpoints.map((e) => (
              <tr key={e.endpoint} data-testid="cluster-endpoint" data-reachable={e.reachable ? 'true' : 'false'}>
                <td className="mono">{e.endpoint}</td>
                <td>{nameOf(e.memberId)}</td>
                <td>
                  {e.reachable ? (
                    <span className="ok-text">{e.leaderId && e.memberId === e.leaderId ? 'up · leader' : 'up'}</span>
                  ) : (
                    <span className="error-text" title={e.error ? describeError(e.error).title : undefined}>
                      unreachable{e.error ? ` (${e.error.code})` : ''}
                    </span>
                  )}
                </td>
                <td>{e.version ?? ''}</td>
                <td className="num" title={e.dbSizeInUse !== undefined ? `${formatSize(e.dbSizeInUse)} in use` : undefined}>
                  {e.dbSize !== undefined ? formatSize(e.dbSize) : ''}
                </td>
                <td className="num">{e.raftTerm ?? ''}</td>
                <td className="num">{e.raftIndex ?? ''}</td>
                <td className="num">{e.latencyMs !== undefined ? `${Math.round(e.latencyMs)} ms` : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
