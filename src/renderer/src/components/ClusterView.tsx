import { formatSize } from '../lib/format';
import { describeError } from '../messages';
import { useAppStore } from '../store';

/**
 * Mount point for the cluster view (toggled by the Cluster button / `cluster-view` command).
 * A simple first version: members and per-endpoint status in tables. The full view comes later.
 */
export function ClusterView() {
  const status = useAppStore((s) => s.clusterStatus);
  const loading = useAppStore((s) => s.clusterLoading);
  const error = useAppStore((s) => s.clusterError);
  const load = useAppStore((s) => s.loadClusterStatus);
  const close = useAppStore((s) => s.toggleClusterView);
  const connected = useAppStore((s) => s.activeProfileId !== null);

  return (
    <section className="cluster-view" aria-label="Cluster" data-testid="cluster-view">
      <div className="cluster-header">
        <h2>Cluster{status?.clusterId ? <span className="muted"> {status.clusterId}</span> : null}</h2>
        <span className="spacer" />
        <button type="button" onClick={() => void load()} disabled={loading || !connected}>
          {loading ? 'Refreshing…' : 'Refresh'}
        </button>
        <button type="button" onClick={() => close(false)}>
          Back to keys
        </button>
      </div>
      {!connected ? <p className="muted pad">Connect to a profile to see its cluster.</p> : null}
      {error ? (
        <p className="form-error pad" role="alert">
          {describeError(error, { op: 'cluster' }).title}
        </p>
      ) : null}
      {status ? (
        <>
          {status.alarms.length > 0 ? (
            <div className="form-error pad" role="alert">
              Alarms: {status.alarms.map((a) => `${a.alarm} on ${a.memberId}`).join(', ')}
            </div>
          ) : null}
          <h3>Members</h3>
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
              {status.members.map((m) => (
                <tr key={m.id}>
                  <td>{m.name || <span className="muted">(unstarted)</span>}</td>
                  <td className="mono">{m.id}</td>
                  <td>{m.isLeader ? 'leader' : m.isLearner ? 'learner' : 'follower'}</td>
                  <td className="mono">{m.clientUrls.join(', ')}</td>
                  <td className="mono">{m.peerUrls.join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>Endpoints</h3>
          <table className="table" data-testid="cluster-endpoints">
            <thead>
              <tr>
                <th>Endpoint</th>
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
                <tr key={e.endpoint}>
                  <td className="mono">{e.endpoint}</td>
                  <td>
                    {e.reachable ? (
                      <span className="ok-text">{e.leaderId && e.memberId === e.leaderId ? 'up · leader' : 'up'}</span>
                    ) : (
                      <span className="error-text" title={e.error ? describeError(e.error).title : undefined}>
                        unreachable
                      </span>
                    )}
                  </td>
                  <td>{e.version ?? ''}</td>
                  <td className="num">{e.dbSize !== undefined ? formatSize(e.dbSize) : ''}</td>
                  <td className="num">{e.raftTerm ?? ''}</td>
                  <td className="num">{e.raftIndex ?? ''}</td>
                  <td className="num">{e.latencyMs !== undefined ? `${Math.round(e.latencyMs)} ms` : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : loading ? (
        <p className="muted pad">Reading cluster status…</p>
      ) : null}
    </section>
  );
}
