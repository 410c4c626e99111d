import { useAppStore } from '../../app/store-context';
import { Dialog } from '../../ui/Dialog';
import { formatCount, formatSize } from '../../ui/format';
import { exportReportOf } from './transfer-slice';
import { TransferProgress } from './TransferProgress';

/** Export the keys under a prefix to a JSON Lines file (docs/file-format.md). */
export function ExportDialog() {
  const d = useAppStore((s) => (s.transfer?.mode === 'export' ? s.transfer : null));
  const update = useAppStore((s) => s.updateTransfer);
  const browse = useAppStore((s) => s.browseTransferFile);
  const start = useAppStore((s) => s.startExport);
  const cancel = useAppStore((s) => s.cancelTransfer);
  const close = useAppStore((s) => s.closeTransfer);
  if (!d) return null;
  const running = d.job?.state === 'running';
  const report = exportReportOf(d.job);
  const error = d.error ?? d.job?.error;
  return (
    <Dialog
      title="Export keys"
      onClose={close}
      testId="export-dialog"
      width={560}
      busy={running}
      footer={
        <>
          <button type="button" onClick={close} disabled={running}>
            {d.job?.state === 'done' ? 'Close' : 'Cancel'}
          </button>
          <button type="submit" form="export-form" className="primary" disabled={running || d.path === ''}>
            Export
          </button>
        </>
      }
    >
      <form
        id="export-form"
        className="form-stack"
        onSubmit={(e) => {
          e.preventDefault();
          void start();
        }}
      >
        <label>
          Prefix (empty: every key)
          <input value={d.prefix} onChange={(e) => update({ prefix: e.target.value })} disabled={running} data-testid="export-prefix" />
        </label>
        <label>
          File
          <span className="row">
            <input value={d.path} onChange={(e) => update({ path: e.target.value })} disabled={running} placeholder="/path/to/export.jsonl" data-testid="export-path" />
            <button type="button" onClick={() => void browse()} disabled={running}>
              Choose…
            </button>
          </span>
        </label>
      </form>
      <TransferProgress job={d.job} unit="keys" onCancel={cancel} />
      {d.job?.state === 'done' && report ? (
        <p className="transfer-result" data-testid="export-result">
          Exported {formatCount(report.keys)} keys ({formatSize(report.bytes)}) at revision {report.revision} to {report.path}.
        </p>
      ) : null}
      {d.job?.state === 'cancelled' ? <p data-testid="export-result">Export stopped: no file was written.</p> : null}
      {error ? (
        <p role="alert" className="error-text" data-testid="transfer-error">
          {error.message}
        </p>
      ) : null}
    </Dialog>
  );
}
