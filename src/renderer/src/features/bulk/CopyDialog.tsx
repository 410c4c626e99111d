import { JobDialogFooter } from '../../ui/JobDialogFooter';
import { displayBytes } from '../../../../shared/bytes';
import { useAppStore } from '../../app/store-context';
import { Dialog } from '../../ui/Dialog';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { formatCount } from '../../ui/format';
import { Outcome } from './BulkDeleteDialog';
import { targetReady, type CopyDialogState } from './copy-slice';

const verbOf = (d: CopyDialogState): string => (d.source.kind === 'key' ? (d.mode === 'move' ? 'Rename' : 'Copy') : d.mode === 'move' ? 'Move' : 'Copy');

/** The source in words (read-only in the dialog). */
function sourceText(d: CopyDialogState): string {
  switch (d.source.kind) {
    case 'prefix':
      return d.source.prefix === '' ? 'every key of the cluster' : `every key under “${d.source.prefix}”`;
    case 'keys':
      return `${formatCount(d.source.keys.length)} selected key${d.source.keys.length === 1 ? '' : 's'}`;
    case 'key':
      return `the key “${displayBytes(d.source.key, 200)}”`;
  }
}

/** What the target prefix replaces in each source key, in words. */
function baseText(d: CopyDialogState): string | null {
  if (d.source.kind === 'prefix') return d.source.prefix === '' ? 'The target prefix is put in front of every key.' : `“${d.source.prefix}” at the start of each key is replaced by the target prefix.`;
  if (d.source.kind === 'keys') {
    const base = displayBytes(d.source.base, 200);
    return base === '' ? 'The target prefix is put in front of each key.' : `“${base}” at the start of each key is replaced by the target prefix.`;
  }
  return null;
}

/** Copy, move or rename keys (bulk:copy): the draft, the summary, progress with Cancel, the report. */
export function CopyDialog() {
  const d = useAppStore((s) => s.copyDialog);
  const profiles = useAppStore((s) => s.profiles);
  const statuses = useAppStore((s) => s.statuses);
  const update = useAppStore((s) => s.updateCopy);
  const connectTarget = useAppStore((s) => s.connectCopyTarget);
  const start = useAppStore((s) => s.startCopy);
  const cancelJob = useAppStore((s) => s.cancelCopy);
  const editAgain = useAppStore((s) => s.editCopyAgain);
  const close = useAppStore((s) => s.closeCopy);
  const reconnect = useAppStore((s) => s.reconnect);
  if (!d) return null;

  const verb = verbOf(d);
  const busy = d.phase === 'starting' || d.phase === 'running';
  const ended = d.phase === 'done' || d.phase === 'failed' || d.phase === 'cancelled';
  const rename = d.source.kind === 'key';
  const targetName = profiles.find((p) => p.id === d.targetProfileId)?.name ?? d.targetProfileId;
  const otherProfile = d.targetProfileId !== d.sourceProfileId;
  const ready = targetReady(d, statuses);
  const sameAsSource =
    !otherProfile &&
    (d.source.kind === 'prefix'
      ? d.target === d.source.prefix
      : d.source.kind === 'key'
        ? d.source.key.encoding === 'utf8' && d.target === d.source.key.data
        : d.source.base.encoding === 'utf8' && d.target === d.source.base.data);
  const canStart = d.phase === 'edit' && ready && !sameAsSource && !(rename && d.target === '');
  const report = d.report;
  const errorContext = { op: d.mode, profileName: d.sourceProfileName } as const;
  const fieldLabel = rename ? 'New key name' : 'Target prefix';

  return (
    <Dialog
      title={ended ? `${verb}: report` : d.source.kind === 'prefix' ? `${verb} prefix` : rename ? `${verb} key` : `${verb} keys`}
      onClose={close}
      testId="copy-dialog"
      width={600}
      busy={busy}
      footer={
        <JobDialogFooter
          stage={busy ? 'busy' : ended ? 'ended' : 'editing'}
          canCancelJob={d.phase === 'running'}
          onCancelJob={cancelJob}
          onClose={close}
          ended={
            d.phase !== 'done' ? (
              <button type="button" onClick={editAgain}>
                Edit and try again
              </button>
            ) : null
          }
          submit={
            <button type="submit" form="copy-form" className="primary" disabled={!canStart}>
              {verb}
            </button>
          }
        />
      }
    >
      <div className="pad-y">
        <p>
          Source: {sourceText(d)} in profile <strong>{d.sourceProfileName}</strong>.
        </p>
        {d.phase === 'edit' ? (
          <form
            id="copy-form"
            className="form-stack"
            onSubmit={(e) => {
              e.preventDefault();
              if (canStart) void start();
            }}
          >
            {!rename ? <p className="muted">{baseText(d)}</p> : null}
            <label>
              {fieldLabel}
              <input value={d.target} onChange={(e) => update({ target: e.target.value })} spellCheck={false} autoComplete="off" data-autofocus />
            </label>
            <label>
              Target profile
              <select value={d.targetProfileId} onChange={(e) => update({ targetProfileId: e.target.value })}>
                {profiles.map((p) => (
                  // A read-only profile cannot be written to: offered, but not choosable (main refuses it anyway).
                  <option key={p.id} value={p.id} disabled={p.mode === 'read-only' && p.id !== d.targetProfileId}>
                    {p.name}
                    {p.id === d.sourceProfileId ? ' (this profile)' : ''}
                    {p.mode === 'read-only' ? ' (read-only)' : p.mode === 'production' ? ' (production)' : ''}
                  </option>
                ))}
              </select>
            </label>
            {otherProfile && !ready ? (
              <div className="row" role="note">
                <span>
                  “{targetName}” is not connected. Connect it to {verb.toLowerCase()} there; this profile stays open.
                </span>
                <button type="button" onClick={() => void connectTarget()} disabled={d.connectingTarget}>
                  {d.connectingTarget ? 'Connecting…' : `Connect “${targetName}”`}
                </button>
              </div>
            ) : null}
            {d.connectError ? <ErrorNotice error={d.connectError} context={{ op: 'connect', profileName: targetName }} /> : null}
            <label className="check">
              <input type="checkbox" checked={d.overwrite} onChange={(e) => update({ overwrite: e.target.checked })} />
              Overwrite keys that exist at the target
            </label>
            {sameAsSource ? <p className="muted">The target is the source: type another {rename ? 'name' : 'prefix'} or choose another profile.</p> : null}
            <p data-testid="copy-summary">
              {verb} {sourceText(d)} from <strong>{d.sourceProfileName}</strong> to {rename ? '' : 'the prefix '}“{d.target}” in <strong>{targetName}</strong>.{' '}
              {d.overwrite ? 'Keys that exist at the target are overwritten.' : 'Keys that exist at the target are skipped and reported.'}
              {d.mode === 'move' ? ' Each source is deleted only once written, and only if unchanged since it was read.' : ''}
            </p>
          </form>
        ) : null}
        {busy ? (
          <p role="status">
            {d.phase === 'starting'
              ? 'Starting…'
              : `${d.mode === 'move' ? 'Moved' : 'Copied'} ${formatCount(d.progress?.done ?? 0)}${d.progress?.total !== undefined ? ` of ${formatCount(d.progress.total)}` : ''} keys…`}
          </p>
        ) : null}
        {ended ? (
          <div role="status" aria-label={`${verb} report`}>
            <p>
              {d.phase === 'done' ? 'Done.' : d.phase === 'cancelled' ? 'Cancelled.' : 'Stopped by an error.'} From <strong>{d.sourceProfileName}</strong> to “{d.target}” in{' '}
              <strong>{targetName}</strong>.
            </p>
            {report ? (
              <ul>
                <Outcome label="Moved" list={report.moved} testId="copy-report-moved" />
                <Outcome label={d.mode === 'move' ? 'Copied, the source kept' : 'Copied'} list={report.copied} testId="copy-report-copied" />
                <Outcome label="Source kept: it changed after it was copied" list={report.sourceKept} testId="copy-report-source-kept" />
                <Outcome label="Skipped: exists at the target" list={report.targetExists} testId="copy-report-exists" />
                <Outcome label="Skipped: changed since it was read" list={report.sourceChanged} testId="copy-report-changed" />
                <Outcome label="Failed: the transaction failed" list={report.failed} testId="copy-report-failed" />
                <Outcome label="Unknown: may or may not have been written" list={report.unknown} testId="copy-report-unknown" />
                <Outcome label="Not attempted" list={report.notAttempted} testId="copy-report-not-attempted" />
                {report.copied.count + report.moved.count === 0 && report.planned === 0 ? <li>Nothing to {verb.toLowerCase()}: no such keys.</li> : null}
              </ul>
            ) : null}
            {report && report.leasesDropped > 0 ? <p>{formatCount(report.leasesDropped)} keys had a lease: written without it (lease ids belong to their cluster).</p> : null}
          </div>
        ) : null}
        {d.error ? <ErrorNotice error={d.error} context={errorContext} handlers={{ reconnect: otherProfile ? () => void connectTarget() : () => void reconnect() }} testId="copy-error" /> : null}
      </div>
    </Dialog>
  );
}
