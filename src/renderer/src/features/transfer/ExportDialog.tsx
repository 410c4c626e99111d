import { useAppStore } from '../../app/store-context';
import { Dialog } from '../../ui/Dialog';
import { formatCount, formatSize } from '../../ui/format';
import { EXPORT_KEYS_MAX } from '../../../../shared/contract/transfer';
import { exportReportOf, selectionExportable } from './transfer-slice';
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
        {d.keys.length > 0 ? (
          <fieldset className="form-stack" disabled={running}>
            <legend>Keys to export</legend>
            <label className="check">
              <input type="radio" name="export-source" checked={d.source === 'prefix'} onChange={() => update({ source: 'prefix' })} />
              Every key under a prefix
            </label>
            <label className="check">
              <input
                type="radio"
                name="export-source"
                checked={d.source === 'selection'}
                onChange={() => update({ source: 'selection' })}
                disabled={!selectionExportable(d.keys.length)}
              />
              The {formatCount(d.keys.length)} selected keys
            </label>
            {!selectionExportable(d.keys.length) ? (
              <p className="muted">
                A selection can be exported up to {formatCount(EXPORT_KEYS_MAX)} keys; {formatCount(d.keys.length)} are selected. Export their prefix instead.
              </p>
            ) : null}
          </fieldset>
        ) : null}
        {d.source === 'prefix' ? (
          <label>
            Prefix (empty: every key)
            <input value={d.prefix} onChange={(e) => update({ prefix: e.target.value })} disabled={running} data-testid="export-prefix" />
          </label>
        ) : null}
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
