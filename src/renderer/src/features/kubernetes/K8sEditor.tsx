import { formatSize } from '../../ui/format';
import { useAppStore } from '../../app/store-context';
import { ValueEditor } from '../editor/ValueEditor';

/**
 * "Edit as YAML", for emergency repairs: the object as editable YAML; "Review change" asks main
 * to re-encode it (nothing is written) and shows the bytes that change; Save writes them with
 * compare-and-swap on the revision the edit started from.
 */
export function K8sEditor() {
  const edit = useAppStore((s) => s.k8sEdit);
  const setText = useAppStore((s) => s.setK8sEditText);
  const review = useAppStore((s) => s.reviewK8sEdit);
  const save = useAppStore((s) => s.saveK8sEdit);
  const cancel = useAppStore((s) => s.cancelK8sEdit);
  const saving = useAppStore((s) => s.saving);
  if (!edit) return null;
  const r = edit.review;
  return (
    <div className="k8s-edit" data-testid="k8s-edit">
      <p className="notice pad-x" role="note" data-testid="k8s-edit-warning">
        For emergency repairs only: the API server normally owns these objects and may overwrite or reject this change. Saving writes the re-encoded
        bytes to etcd directly, only if the key is still at revision {edit.baseRevision}.
      </p>
      <div className="editor-bar">
        <button type="button" className={r ? '' : 'primary'} onClick={() => void review()} disabled={edit.busy}>
          {edit.busy && !r ? 'Reviewing…' : 'Review change'}
        </button>
        <button type="button" onClick={cancel} disabled={edit.busy}>
          Cancel editing
        </button>
        {r && !r.unchanged ? (
          <span className="editor-actions">
            <button type="button" className="primary" onClick={() => void save()} disabled={edit.busy || saving} data-testid="k8s-save">
              {saving ? 'Saving…' : 'Save'}
            </button>
          </span>
        ) : null}
      </div>
      {edit.error ? (
        <p className="notice pad-x k8s-encode-error" role="alert" data-testid="k8s-encode-error" data-code={edit.error.code}>
          {edit.error.code === 'CONFLICT' ? edit.error.message : `Not encoded: ${edit.error.message}`}
        </p>
      ) : null}
      {r?.unchanged ? (
        <p className="muted pad-x" role="status" data-testid="k8s-unchanged">
          Nothing to save: the edited object encodes to the stored bytes.
        </p>
      ) : null}
      {r && !r.unchanged ? (
        <div className="k8s-diff" data-testid="k8s-diff">
          <div className="section-label">
            {r.changes.length === 1 ? '1 change' : `${r.changes.length} changes`} — {formatSize(r.originalSize)} → {formatSize(r.size)} ({r.originalSize} → {r.size}{' '}
            bytes)
          </div>
          <table className="k8s-fields-table" aria-label="Changed bytes">
            <thead>
              <tr>
                <th>Offset</th>
                <th>Removed</th>
                <th>Added</th>
              </tr>
            </thead>
            <tbody>
              {r.changes.map((c, i) => (
                <tr key={i}>
                  <td>{c.offset}</td>
                  <td className="k8s-field-value">
                    {c.removed || '—'} <span className="muted">({c.removedLength} B)</span>
                  </td>
                  <td className="k8s-field-value">
                    {c.added || '—'} <span className="muted">({c.addedLength} B)</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <ValueEditor value={edit.text} mode="yaml" onChange={setText} readOnly={edit.busy} ariaLabel="Kubernetes object as YAML (editable)" testId="k8s-yaml-editor" />
    </div>
  );
}
