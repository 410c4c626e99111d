import { useEffect, useState } from 'react';
import { AUDIT_OUTCOMES, isRestorable, type AuditEntry, type AuditOutcome } from '../../../../shared/contract';
import { useAppStore } from '../../app/store-context';
import { describeError } from '../../ui/messages';
import { keyLabel } from '../../ui/format';

/** A datetime-local input's text as ms since epoch, or null when empty or not a time. */
const parseLocal = (s: string): number | null => {
  if (!s) return null;
  const t = new Date(s).getTime();
  return Number.isFinite(t) ? t : null;
};

/**
 * The app's own writes to this profile's cluster, newest first (kept on this machine, never
 * values): when, what, which key or prefix, the revisions and the outcome; restore the value a
 * key had before an overwrite or a delete.
 */
export function AuditView() {
  const close = useAppStore((s) => s.toggleView);
  const entries = useAppStore((s) => s.auditEntries);
  const next = useAppStore((s) => s.auditNext);
  const loading = useAppStore((s) => s.auditLoading);
  const error = useAppStore((s) => s.auditError);
  const filters = useAppStore((s) => s.auditFilters);
  const load = useAppStore((s) => s.loadAudit);
  const setFilters = useAppStore((s) => s.setAuditFilters);
  const profileId = useAppStore((s) => s.activeProfileId);
  const [operation, setOperation] = useState(filters.operation);
  const [keyContains, setKeyContains] = useState(filters.keyContains);

  useEffect(() => {
    if (profileId) void load();
  }, [profileId, load]);

  const errText = error ? describeError(error) : null;
  const apply = () => setFilters({ operation: operation.trim(), keyContains });

  return (
    <section className="cluster-view audit-view" aria-label="Audit trail" data-testid="audit-view">
      <div className="cluster-header">
        <h2>Audit trail</h2>
        <span className="muted">{entries.length ? `${entries.length}${next ? '+' : ''} ${entries.length === 1 ? 'entry' : 'entries'}` : ''}</span>
        <span className="spacer" />
        <button type="button" onClick={() => void load()} disabled={!profileId || loading}>
          {loading ? 'Reading…' : 'Refresh'}
        </button>
        <button type="button" onClick={() => close('audit')}>
          Close
        </button>
      </div>
      <p className="muted lease-note">The writes this app made to this profile, kept on this computer (keys and revisions, never values).</p>
      <form
        className="audit-filters"
        aria-label="Audit filters"
        onSubmit={(e) => {
          e.preventDefault();
          apply();
        }}
      >
        <label className="control">
          <span className="control-label">Operation</span>
          <input value={operation} onChange={(e) => setOperation(e.target.value)} placeholder="e.g. kv:put" aria-label="Operation" data-testid="audit-filter-operation" />
        </label>
        <label className="control">
          <span className="control-label">Key or prefix contains</span>
          <input value={keyContains} onChange={(e) => setKeyContains(e.target.value)} aria-label="Key or prefix contains" data-testid="audit-filter-key" />
        </label>
        <label className="control">
          <span className="control-label">Outcome</span>
          <select value={filters.outcome} onChange={(e) => setFilters({ outcome: e.target.value as AuditOutcome | '' })} aria-label="Outcome" data-testid="audit-filter-outcome">
            <option value="">Any</option>
            {AUDIT_OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </label>
        <label className="control">
          <span className="control-label">From</span>
          <input type="datetime-local" aria-label="From" onChange={(e) => setFilters({ from: parseLocal(e.target.value) })} />
        </label>
        <label className="control">
          <span className="control-label">To</span>
          <input type="datetime-local" aria-label="To" onChange={(e) => setFilters({ to: parseLocal(e.target.value) })} />
        </label>
        <button type="submit" disabled={!profileId}>
          Apply
        </button>
      </form>
      {errText ? (
        <div className="form-error" role="alert">
          Could not read the audit trail: {errText.title}
        </div>
      ) : null}
      <div className="table-scroll">
        <table className="table" data-testid="audit-table" aria-label="Audit entries">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Operation</th>
              <th scope="col">Key / prefix</th>
              <th scope="col">Revision before → after</th>
              <th scope="col">Outcome</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <AuditRow key={e.id} entry={e} />
            ))}
            {!loading && entries.length === 0 ? (
              <tr>
                <td colSpan={6} className="muted">
                  No audited writes{filters.operation || filters.keyContains || filters.outcome || filters.from !== null || filters.to !== null ? ' match these filters' : ''}.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      {next ? (
        <div className="lease-pager" role="navigation" aria-label="Audit pages">
          <button type="button" onClick={() => void load(true)} disabled={loading}>
            Load older
          </button>
        </div>
      ) : null}
    </section>
  );
}

function target(e: AuditEntry): string {
  if (e.key) return keyLabel(e.key);
  const parts: string[] = [];
  if (e.prefix) parts.push(e.prefix.data === '' ? '(whole keyspace)' : `${keyLabel(e.prefix)}*`);
  if (e.details?.keys !== undefined) parts.push(`${e.details.keys} selected keys`);
  if (e.target) parts.push(`→ ${keyLabel(e.target)}`);
  if (e.details?.lease !== undefined) parts.push(`lease ${e.details.lease}`);
  return parts.join(' ');
}

function jobSummary(e: AuditEntry): string {
  if (!e.job) return '';
  const c = Object.entries(e.job.counts).filter(([, n]) => n > 0);
  return `${e.job.state}${c.length ? `: ${c.map(([k, n]) => `${k} ${n}`).join(', ')}` : ''}`;
}

function AuditRow({ entry }: { readonly entry: AuditEntry }) {
  const restore = useAppStore((s) => s.auditRestores[entry.id]);
  const request = useAppStore((s) => s.requestAuditRestore);
  const restorable = isRestorable(entry);
  return (
    <tr data-testid="audit-row" data-entry={entry.id} data-operation={entry.operation} data-outcome={entry.outcome}>
      <td className="mono">{new Date(entry.at).toLocaleString()}</td>
      <td className="mono">{entry.operation}</td>
      <td className="mono" data-testid="audit-target">
        {target(entry)}
      </td>
      <td className="num mono" data-testid="audit-revisions">
        {entry.revisionBefore ?? '–'} → {entry.revisionAfter ?? '–'}
      </td>
      <td data-testid="audit-outcome">
        {entry.outcome}
        {entry.errorCode ? <span className="muted"> ({entry.errorCode})</span> : null}
        {entry.job ? <div className="muted">{jobSummary(entry)}</div> : null}
      </td>
      <td>
        {restorable ? (
          <button type="button" onClick={() => request(entry)} disabled={restore?.state === 'running'} data-testid="audit-restore">
            Restore value before this write
          </button>
        ) : null}
        {restore ? (
          <div role="status" data-testid="audit-restore-result" className={restore.state === 'failed' ? 'form-error' : 'muted'}>
            {restore.state === 'running'
              ? 'Restoring…'
              : restore.state === 'done'
                ? `Restored the value of revision ${restore.restoredFrom} (now revision ${restore.revision}).`
                : describeError(restore.error).title}
          </div>
        ) : null}
      </td>
    </tr>
  );
}
