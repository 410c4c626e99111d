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

/** Fragmentation: the share of the backend file a defragment gives back. */
const fragmentation = (sizes: { dbSize: number; dbSizeInUse: number }): number =>
  sizes.dbSize > 0 ? Math.max(0, Math.round(((sizes.dbSize - sizes.dbSizeInUse) / sizes.dbSize) * 100)) : 0;

const sizesText = (sizes: { dbSize: number; dbSizeInUse: number } | undefined): string =>
  sizes ? `${formatSize(sizes.dbSize)} (${formatSize(sizes.dbSizeInUse)} in use, ${fragmentation(sizes)}% fragmented)` : '';

/** Compact, defragment all, alarms (with the NOSPACE recovery), hashes; the running job's progress and the last outcome. */
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
  const profileName = useAppStore((s) => s.activeProfile()?.name ?? '');
  const bounds = useAppStore((s) => s.revisionBounds);
  const readBounds = useAppStore((s) => s.readRevisionBounds);
  // Read with every refresh of the status (and after each operation, which reads the status again).
  useEffect(() => {
    void readBounds();
  }, [status.at, readBounds]);
  const current = bounds?.current ?? 0;
  const [revision, setRevision] = useState('');
  const [typed, setTyped] = useState('');
  const [physical, setPhysical] = useState(true);
  const running = job?.state === 'running';
  const disabled = busy !== null || running;
  const rev = Number(revision);
  const revOk = revision !== '' && Number.isSafeInteger(rev) && rev >= 1;
  const confirmed = revOk && (typed.trim() === String(rev) || (profileName !== '' && typed.trim() === profileName));
  const defrag = defragReportOf(job);
  const snapshot = snapshotReportOf(job);
  const nameOf = (id: string) => status.members.find((m) => m.id === id)?.name || id;
  const noSpace = status.alarms.some((a) => a.alarm === 'NOSPACE');
  const compactNow = () => {
    compactTo(rev, physical);
    setTyped('');
  };
  return (
    <section className="cluster-maintenance" aria-label="Maintenance" data-testid="cluster-maintenance">
      <h3>Maintenance</h3>
      {status.alarms.length > 0 ? (
        <div data-testid="maintenance-alarms">
          <h4>Alarms</h4>
          <ul data-testid="alarm-list">
            {status.alarms.map((a) => (
              <li key={`${a.memberId}-${a.alarm}`} data-testid="alarm" data-alarm={a.alarm}>
                <strong>{a.alarm}</strong> on {nameOf(a.memberId)} <span className="muted mono">{a.memberId}</span>
              </li>
            ))}
          </ul>
          {noSpace ? (
            <div data-testid="nospace-flow">
              <p>
                The cluster ran out of space (its backend reached --quota-backend-bytes) and refuses writes. To recover, in this order: compact the history
                (old revisions are what fills it), defragment every member (only that gives the freed space back to the file), then disarm the alarm.
                Disarming first is pointless: the alarm is raised again at the next write.
              </p>
              <ol>
                <li>
                  Compact up to the current revision{current > 0 ? ` (${current})` : ''}{' '}
                  <button type="button" disabled={disabled || current < 1} onClick={() => setRevision(String(current))}>
                    Fill in the compaction below
                  </button>
                </li>
                <li>
                  Defragment every member, one at a time{' '}
                  <button type="button" disabled={disabled} onClick={() => defragment('all', 'every member')}>
                    Defragment every member…
                  </button>
                </li>
                <li>
                  Disarm the alarm{' '}
                  <button type="button" disabled={disabled} onClick={() => void disarmAlarms()}>
                    Disarm NOSPACE
                  </button>
                </li>
              </ol>
            </div>
          ) : null}
        </div>
      ) : null}
      <div className="maintenance-compact" data-testid="maintenance-compact">
        <h4>Compact</h4>
        <p className="muted">
          Current revision: <span className="mono" data-testid="current-revision">{current > 0 ? current : 'unknown'}</span>
          {bounds && bounds.compacted > 0 ? <> (compacted up to {bounds.compacted})</> : null}. Compaction drops every revision
          before the one chosen: older versions and deleted keys can no longer be read. A Kubernetes API server compacts etcd on its own (every 5 minutes by
          default), so a cluster behind Kubernetes rarely needs it by hand.
        </p>
        <div className="toolbar-row">
          <label>
            Compact up to revision{' '}
            <input
              type="number"
              min={1}
              value={revision}
              placeholder={current > 0 ? String(current) : undefined}
              onChange={(ev) => setRevision(ev.target.value)}
              aria-label="Compact up to revision"
            />
          </label>
          <label>
            <input type="checkbox" checked={physical} onChange={(ev) => setPhysical(ev.target.checked)} /> Wait until every member has freed the space (physical)
          </label>
        </div>
        <div className="toolbar-row">
          <label>
            Type the revision{profileName ? ` or the profile name (${profileName})` : ''} to confirm{' '}
            <input type="text" value={typed} onChange={(ev) => setTyped(ev.target.value)} aria-label="Type to confirm the compaction" autoComplete="off" spellCheck={false} />
          </label>
          <button type="button" className="danger" disabled={disabled || !confirmed} onClick={compactNow}>
            Compact
          </button>
        </div>
      </div>
      <h4>Defragment, hashes</h4>
      <p className="muted" data-testid="defrag-warning">
        A member blocks reads and writes while it is defragmented. Defragment all goes one member at a time: the followers first, the leader last.
      </p>
      <div className="toolbar-row">
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
          {snapshot.path} · {formatSize(snapshot.bytes)} · sha256 <span data-testid="snapshot-sha256">{snapshot.sha256}</span>
        </p>
      ) : null}
      {defrag ? (
        <table className="table" data-testid="defrag-report">
          <thead>
            <tr>
              <th>Endpoint</th>
              <th>Role</th>
              <th>State</th>
              <th className="num">Before</th>
              <th className="num">After</th>
            </tr>
          </thead>
          <tbody>
            {defrag.members.map((m) => (
              <tr key={m.memberId} data-testid="defrag-member" data-role={m.role} data-state={m.state}>
                <td className="mono">{m.endpoint}</td>
                <td>{m.role}</td>
                <td>{m.state}</td>
                <td className="num" data-testid="defrag-before">{sizesText(m.before)}</td>
                <td className="num" data-testid="defrag-after">{m.after ? `→ ${sizesText(m.after)}` : ''}</td>
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
