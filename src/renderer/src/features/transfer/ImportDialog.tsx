import type { TransferItem } from '../../../../shared/transfer-reports';
import { useAppStore } from '../../app/store-context';
import { readOnlyReason } from '../../ui/modes';
import { Dialog } from '../../ui/Dialog';
import { formatCount, keyLabel } from '../../ui/format';
import { applyReportOf, planReportOf } from './transfer-slice';
import { TransferProgress } from './TransferProgress';

function KeyList({ title, items, testId }: { title: string; items: readonly (TransferItem & { reason?: string })[]; testId: string }) {
  if (items.length === 0) return null;
  return (
    <details className="transfer-list" data-testid={testId}>
      <summary>{title}</summary>
      <ul>
        {items.map((i) => (
          <li key={`${i.line}`}>
            <code>{keyLabel(i.key)}</code> <span className="muted">line {i.line}{i.reason ? ` · ${i.reason.replace(/-/g, ' ')}` : ''}</span>
          </li>
        ))}
      </ul>
    </details>
  );
}

/**
 * Import a file (ours or `etcdctl get -w json`): a dry run first, which writes nothing and shows
 * what would happen; Apply only after it, with its plan.
 */
export function ImportDialog() {
  const refused = useAppStore(readOnlyReason);
  const d = useAppStore((s) => (s.transfer?.mode === 'import' ? s.transfer : null));
  const update = useAppStore((s) => s.updateTransfer);
  const browse = useAppStore((s) => s.browseTransferFile);
  const dryRun = useAppStore((s) => s.startDryRun);
  const apply = useAppStore((s) => s.applyPlan);
  const cancel = useAppStore((s) => s.cancelTransfer);
  const close = useAppStore((s) => s.closeTransfer);
  if (!d) return null;
  const running = d.plan?.state === 'running' || d.apply?.state === 'running';
  const plan = planReportOf(d.plan);
  const applied = applyReportOf(d.apply);
  const error = d.error ?? d.apply?.error ?? d.plan?.error;
  const canApply = d.plan?.state === 'done' && plan?.planId !== undefined && d.apply === null && (plan.counts.create + plan.counts.overwrite > 0);
  return (
    <Dialog
      title="Import keys"
      onClose={close}
      testId="import-dialog"
      width={640}
      busy={running}
      footer={
        <>
          <button type="button" onClick={close} disabled={running}>
            {d.apply?.state === 'done' ? 'Close' : 'Cancel'}
          </button>
          <button type="submit" form="import-form" disabled={running || d.path === ''} data-testid="import-dry-run">
            Dry run
          </button>
          <button type="button" className="primary" onClick={() => void apply()} disabled={running || !canApply || refused !== null} title={refused ?? undefined} data-testid="import-apply">
            Apply
          </button>
        </>
      }
    >
      <form
        id="import-form"
        className="form-stack"
        onSubmit={(e) => {
          e.preventDefault();
          void dryRun();
        }}
      >
        <label>
          File (an etcd desktop export, or `etcdctl get --prefix -w json` output)
          <span className="row">
            <input value={d.path} onChange={(e) => update({ path: e.target.value })} disabled={running} placeholder="/path/to/export.jsonl" data-testid="import-path" />
            <button type="button" onClick={() => void browse()} disabled={running}>
              Choose…
            </button>
          </span>
        </label>
        <fieldset className="transfer-choice" disabled={running}>
          <legend>Keys that exist with a different value</legend>
          <label>
            <input type="radio" checked={d.onExisting === 'keep'} onChange={() => update({ onExisting: 'keep' })} /> keep the existing value (listed as conflicts)
          </label>
          <label>
            <input type="radio" checked={d.onExisting === 'overwrite'} onChange={() => update({ onExisting: 'overwrite' })} /> overwrite with the file's value
          </label>
        </fieldset>
      </form>
      <TransferProgress job={d.plan} unit="bytes" onCancel={cancel} />
      {plan && d.plan?.state === 'done' ? (
        <div className="transfer-summary" data-testid="import-plan">
          <p>
            Dry run at revision {plan.revision} ({plan.format === 'etcdctl-json' ? 'etcdctl JSON' : 'etcd desktop export'}, {formatCount(plan.entries)} keys): nothing was
            written.
          </p>
          <ul>
            <li>{formatCount(plan.counts.create)} to create</li>
            <li>{formatCount(plan.counts.overwrite)} to overwrite</li>
            <li>{formatCount(plan.counts.unchanged)} unchanged (already the file's value)</li>
            <li>{formatCount(plan.counts.conflict)} in conflict (kept as they are)</li>
          </ul>
          {plan.warnings.map((w) => (
            <p key={w} className="warning-text">
              {w}
            </p>
          ))}
          <KeyList title="To create" items={plan.lists.create} testId="plan-create" />
          <KeyList title="To overwrite" items={plan.lists.overwrite} testId="plan-overwrite" />
          <KeyList title="In conflict" items={plan.lists.conflict} testId="plan-conflict" />
        </div>
      ) : null}
      <TransferProgress job={d.apply} unit="keys" onCancel={cancel} />
      {applied && d.apply && d.apply.state !== 'running' ? (
        <div className="transfer-summary" data-testid="import-result">
          <p>{d.apply.state === 'done' ? 'Import finished.' : d.apply.state === 'cancelled' ? 'Import stopped: run the dry run again to finish it.' : 'Import failed.'}</p>
          <ul>
            <li>{formatCount(applied.counts.created)} created</li>
            <li>{formatCount(applied.counts.overwritten)} overwritten</li>
            <li>{formatCount(applied.counts.unchanged)} unchanged</li>
            <li>{formatCount(applied.counts.skipped)} skipped ({formatCount(applied.counts.changedSinceDryRun)} changed since the dry run)</li>
            {applied.counts.failed ? <li>{formatCount(applied.counts.failed)} not written (failed)</li> : null}
            {applied.counts.unknown ? <li>{formatCount(applied.counts.unknown)} unknown: may or may not have been written</li> : null}
            {applied.counts.notAttempted ? <li>{formatCount(applied.counts.notAttempted)} not attempted</li> : null}
          </ul>
          <KeyList title="Skipped" items={applied.lists.skipped} testId="apply-skipped" />
          <KeyList title="Unknown" items={applied.lists.unknown} testId="apply-unknown" />
          <KeyList title="Failed" items={applied.lists.failed} testId="apply-failed" />
        </div>
      ) : null}
      {error ? (
        <p role="alert" className="error-text" data-testid="transfer-error">
          {error.message}
        </p>
      ) : null}
    </Dialog>
  );
}
