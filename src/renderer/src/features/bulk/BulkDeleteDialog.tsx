import { JobDialogFooter } from '../../ui/JobDialogFooter';
import { displayBytes } from '../../../../shared/bytes';
import type { KeyList } from '../../../../shared/job-reports';
import { useAppStore } from '../../app/store-context';
import { Dialog } from '../../ui/Dialog';
import { formatCount } from '../../ui/format';

/** A report line: how many, and the first few keys. */
export function Outcome({ label, list, testId }: { label: string; list: KeyList | undefined; testId: string }) {
  if (!list || list.count === 0) return null;
  return (
    <li data-testid={testId}>
      {label}: <strong>{formatCount(list.count)}</strong>
      {list.keys.length > 0 ? (
        <span className="muted mono">
          {' '}
          ({list.keys.slice(0, 5).map((k) => displayBytes(k, 60)).join(', ')}
          {list.count > 5 ? ', …' : ''})
        </span>
      ) : null}
    </li>
  );
}

/** Delete a selection or a whole prefix: the exact count first, typed confirmation, progress, report, Undo. */
export function BulkDeleteDialog() {
  const d = useAppStore((s) => s.bulkDelete);
  const setTyped = useAppStore((s) => s.setBulkDeleteTyped);
  const confirm = useAppStore((s) => s.confirmBulkDelete);
  const cancelJob = useAppStore((s) => s.cancelBulkDelete);
  const close = useAppStore((s) => s.closeBulkDelete);
  const undo = useAppStore((s) => s.undoBulkDelete);
  if (!d) return null;

  const { plan, report } = d;
  const busy = d.phase === 'starting' || d.phase === 'running';
  const what = d.source.kind === 'prefix' ? (d.source.prefix === '' ? 'every key of the cluster' : `every key under “${d.source.prefix}”`) : `${formatCount(d.source.keys.length)} selected keys`;
  const matches = plan !== null && plan.confirmWith.includes(d.typed.trim());
  const ended = d.phase === 'done' || d.phase === 'cancelled' || (d.phase === 'failed' && report !== null);
  const askFor = plan
    ? plan.confirmWith.length > 1
      ? `the prefix “${plan.confirmWith[0]}” or the number ${plan.confirmWith[1]}`
      : `the number ${plan.confirmWith[0]}`
    : '';

  return (
    <Dialog
      title={ended ? 'Bulk delete: report' : 'Delete keys'}
      onClose={close}
      testId="bulk-delete-dialog"
      width={600}
      busy={busy}
      footer={
        <JobDialogFooter
          stage={busy ? 'busy' : ended || d.phase === 'failed' ? 'ended' : 'editing'}
          canCancelJob={d.phase === 'running'}
          onCancelJob={cancelJob}
          cancelJobTestId="bulk-delete-cancel-job"
          onClose={close}
          ended={
            report?.undoId && d.undo?.phase !== 'done' ? (
              <button type="button" onClick={() => void undo()} disabled={d.undo?.phase === 'running'} data-testid="bulk-undo">
                {d.undo?.phase === 'running' ? 'Undoing…' : 'Undo'}
              </button>
            ) : null
          }
          submit={
            <button type="submit" form="bulk-delete-form" className="danger" disabled={!matches} data-testid="bulk-delete-submit">
              Delete {plan ? formatCount(plan.count) : ''} keys
            </button>
          }
        />
      }
    >
      <div className="pad-y">
        <p>
          Profile <strong data-testid="bulk-delete-profile">{d.profileName}</strong>: {what}.
        </p>
        {d.phase === 'counting' ? <p className="muted">Counting…</p> : null}
        {plan && !ended ? (
          <>
            <p data-testid="bulk-delete-count">
              This deletes exactly <strong>{formatCount(plan.count)}</strong> keys (counted at revision {plan.revision}
              {plan.missing > 0 ? `; ${formatCount(plan.missing)} selected keys no longer exist` : ''}). A key changed or written after the count is left
              alone and reported.
            </p>
            {plan.sample.length > 0 ? (
              <pre className="confirm-subject">
                {plan.sample.map((k) => displayBytes(k, 120)).join('\n')}
                {plan.count > plan.sample.length ? '\n…' : ''}
              </pre>
            ) : null}
            <p data-testid="bulk-delete-undo-note" className={plan.undoAvailable ? 'muted' : undefined}>
              {plan.undoAvailable ? 'You can undo this delete right after it (this session only).' : plan.undoUnavailableReason}
            </p>
            {d.phase === 'confirm' ? (
              <form
                id="bulk-delete-form"
                className="form-stack"
                onSubmit={(e) => {
                  e.preventDefault();
                  if (matches) void confirm();
                }}
              >
                <label className="field-label" htmlFor="bulk-delete-typed">
                  To confirm, type {askFor}
                </label>
                <input
                  id="bulk-delete-typed"
                  value={d.typed}
                  onChange={(e) => setTyped(e.target.value)}
                  spellCheck={false}
                  autoComplete="off"
                  data-autofocus
                  data-testid="bulk-delete-typed"
                />
              </form>
            ) : null}
          </>
        ) : null}
        {busy && d.progress ? (
          <p role="status" data-testid="bulk-delete-progress">
            Deleted {formatCount(d.progress.done)} of {formatCount(d.progress.total ?? plan?.count ?? 0)}…
          </p>
        ) : null}
        {ended && report ? (
          <div data-testid="bulk-delete-report" role="status">
            <p>
              {d.phase === 'done' ? 'Done.' : d.phase === 'cancelled' ? 'Cancelled.' : 'Stopped by an error.'} Deleted{' '}
              <strong data-testid="bulk-delete-deleted">{formatCount(report.deleted.count)}</strong> of {formatCount(report.planned)} keys in{' '}
              {formatCount(report.transactions)} transactions.
            </p>
            <ul>
              <Outcome label="Not deleted, changed since the count" list={report.changed} testId="bulk-report-changed" />
              <Outcome label="Already deleted by someone else" list={report.gone} testId="bulk-report-gone" />
              <Outcome label="Not deleted, the transaction failed" list={report.failed} testId="bulk-report-failed" />
              <Outcome label="Unknown: may or may not have been deleted" list={report.unknown} testId="bulk-report-unknown" />
              <Outcome label="Not attempted" list={report.notAttempted} testId="bulk-report-not-attempted" />
              <Outcome label="Written after the count, left alone" list={report.writtenAfterCount} testId="bulk-report-after" />
            </ul>
            {!report.undoId && report.undoUnavailableReason ? <p>{report.undoUnavailableReason}</p> : null}
          </div>
        ) : null}
        {d.undo?.report ? (
          <p data-testid="bulk-undo-report" role="status">
            Undo: restored <strong>{formatCount(d.undo.report.restored.count)}</strong> keys
            {d.undo.report.existsNow.count > 0 ? `; ${formatCount(d.undo.report.existsNow.count)} exist again and were left as they are` : ''}
            {d.undo.report.leaseExpired.count > 0 ? `; ${formatCount(d.undo.report.leaseExpired.count)} restored without their expired lease` : ''}
            {d.undo.report.unknown.count > 0 ? `; ${formatCount(d.undo.report.unknown.count)} unknown` : ''}
            {d.undo.report.failed.count > 0 ? `; ${formatCount(d.undo.report.failed.count)} failed` : ''}.
          </p>
        ) : null}
        {d.error ? (
          <div className="form-error" role="alert" data-testid="bulk-delete-error">
            {d.error.message}
          </div>
        ) : null}
        {d.undo?.error ? (
          <div className="form-error" role="alert">
            {d.undo.error.message}
          </div>
        ) : null}
      </div>
    </Dialog>
  );
}
