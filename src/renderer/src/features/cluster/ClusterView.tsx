import { useEffect, useState } from 'react';
import type { ClusterStatus } from '../../../../shared/types';
import { useAppStore } from '../../app/store-context';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { formatSize } from '../../ui/format';
import { describeError } from '../../ui/messages';
import { MetricsPanel } from './MetricsPanel';
import { defragReportOf, snapshotReportOf } from './maintenance-slice';
import { AddLearnerButton, MemberDialogs, MemberRowActions } from './MembershipActions';

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
  const loadMetrics = useAppStore((s) => s.loadClusterMetrics);
  const close = useAppStore((s) => s.toggleClusterView);
  const activeProfileId = useAppStore((s) => s.activeProfileId);
  const profile = useAppStore((s) => s.activeProfile());
  const reconnect = useAppStore((s) => s.reconnect);
  const openProfileForm = useAppStore((s) => s.openProfileForm);
  const openAccess = useAppStore((s) => s.toggleAccessView);
  const connected = activeProfileId !== null;

  useEffect(() => {
    if (!activeProfileId) return;
    const timer = setInterval(() => {
      void load();
      void loadMetrics();
    }, CLUSTER_REFRESH_MS);
    return () => clearInterval(timer);
  }, [activeProfileId, load, loadMetrics]);

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
      {status && connected ? <MaintenancePanel status={status} /> : null}
      {connected ? <MetricsPanel /> : null}
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
      <div className="members-heading">
        <h3>Members</h3>
        <AddLearnerButton />
      </div>
      <MemberDialogs status={status} />
      <div className="table-scroll">
        <table className="table" data-testid="cluster-members">
          <thead>
            <tr>
              <th>Name</th>
              <th>ID</th>
              <th>Role</th>
              <th>Client URLs</th>
              <th>Peer URLs</th>
              <th>Membership</th>
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
                  <td>
                    <MemberRowActions member={m} />
                  </td>
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
              <th>Maintenance</th>
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
                <td>{e.reachable && e.memberId ? <MemberActions memberId={e.memberId} label={nameOf(e.memberId) || e.endpoint} isLeader={e.memberId === status.leaderId} /> : null}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function MemberActions({ memberId, label, isLeader }: { memberId: string; label: string; isLeader: boolean }) {
  const defragment = useAppStore((s) => s.defragment);
  const saveSnapshot = useAppStore((s) => s.saveSnapshot);
  const moveLeaderTo = useAppStore((s) => s.moveLeaderTo);
  const busy = useAppStore((s) => s.maintenanceBusy !== null || s.maintenanceJob?.state === 'running');
  return (
    <span className="row-actions" data-testid="member-actions">
      <button type="button" disabled={busy} onClick={() => defragment(memberId, label)}>
        Defragment
      </button>
      <button type="button" disabled={busy} onClick={() => void saveSnapshot(memberId, label)}>
        Snapshot…
      </button>
      {isLeader ? null : (
        <button type="button" disabled={busy} onClick={() => moveLeaderTo(memberId, label)}>
          Make leader
        </button>
      )}
    </span>
  );
}

/** Compact, defragment all, alarms, hashes; the running job's progress and the last outcome. */
function MaintenancePanel({ status }: { status: ClusterStatus }) {
  const job = useAppStore((s) => s.maintenanceJob);
  const busy = useAppStore((s) => s.maintenanceBusy);
  const error = useAppStore((s) => s.maintenanceError);
  const hashKv = useAppStore((s) => s.hashKv);
  const compactTo = useAppStore((s) => s.compactTo);
  const defragment = useAppStore((s) => s.defragment);
  const disarmAlarms = useAppStore((s) => s.disarmAlarms);
  const checkHashes = useAppStore((s) => s.checkHashes);
  const cancel = useAppStore((s) => s.cancelMaintenanceJob);
  const [revision, setRevision] = useState('');
  const running = job?.state === 'running';
  const disabled = busy !== null || running;
  const rev = Number(revision);
  const defrag = defragReportOf(job);
  const snapshot = snapshotReportOf(job);
  return (
    <section className="cluster-maintenance" aria-label="Maintenance" data-testid="cluster-maintenance">
      <h3>Maintenance</h3>
      <div className="toolbar-row">
        <label>
          Compact up to revision{' '}
          <input type="number" min={1} value={revision} onChange={(ev) => setRevision(ev.target.value)} aria-label="Compact up to revision" />
        </label>
        <button type="button" disabled={disabled || !Number.isSafeInteger(rev) || rev < 1} onClick={() => compactTo(rev)}>
          Compact…
        </button>
        <button type="button" disabled={disabled} onClick={() => defragment('all', 'every member')}>
          Defragment all…
        </button>
        <button type="button" disabled={disabled} onClick={() => void checkHashes()}>
          Compare hashes
        </button>
        {status.alarms.length > 0 ? (
          <button type="button" disabled={disabled} onClick={() => void disarmAlarms()}>
            Disarm alarms
          </button>
        ) : null}
        {busy ? <span className="muted">{busy}…</span> : null}
      </div>
      {job ? (
        <p data-testid="maintenance-job" data-state={job.state}>
          {job.kind === 'snapshot' ? 'Snapshot' : 'Defragment'}: {job.state}
          {running && job.progress ? ` — ${job.progress.phase ?? ''} ${job.kind === 'snapshot' ? `${formatSize(job.progress.done)}${job.progress.total ? ` of ${formatSize(job.progress.total)}` : ''}` : `${job.progress.done}/${job.progress.total ?? '?'}`}` : null}
          {running ? (
            <button type="button" onClick={cancel}>
              Cancel
            </button>
          ) : null}
          {job.error ? <span className="error-text"> {job.error.message}</span> : null}
        </p>
      ) : null}
      {snapshot?.complete ? (
        <p className="mono" data-testid="snapshot-report">
          {snapshot.path} · {formatSize(snapshot.bytes)} · sha256 {snapshot.sha256}
        </p>
      ) : null}
      {defrag ? (
        <table className="table" data-testid="defrag-report">
          <tbody>
            {defrag.members.map((m) => (
              <tr key={m.memberId}>
                <td className="mono">{m.endpoint}</td>
                <td>{m.role}</td>
                <td>{m.state}</td>
                <td className="num">{m.before ? formatSize(m.before.dbSize) : ''}</td>
                <td className="num">{m.after ? `→ ${formatSize(m.after.dbSize)} (${formatSize(m.after.dbSizeInUse)} in use)` : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {hashKv ? (
        <p data-testid="hashkv-result" className={hashKv.agree ? 'ok-text' : 'error-text'}>
          HashKV at revision {hashKv.revision}: {hashKv.agree ? 'every member agrees' : 'members differ or did not answer'} (
          {hashKv.members.map((m) => `${m.endpoint} ${m.hash ?? m.error?.code ?? '?'}`).join(', ')})
        </p>
      ) : null}
      {error ? (
        <p className="error-text" role="alert" data-testid="maintenance-error">
          {error.message}
        </p>
      ) : null}
    </section>
  );
}
