import { displayBytes, isText } from '../../../../shared/bytes';
import type { KeyValue } from '../../../../shared/types';
import { useAppStore } from '../../app/store-context';
import { describeError } from '../../ui/messages';

function valueText(kv: KeyValue): string {
  return isText(kv.value) ? kv.value.data : `(binary, ${kv.size} bytes)\n${displayBytes(kv.value, 3000)}`;
}

/** Draft and current server value side by side; nothing is overwritten without a button press. */
export function ConflictView() {
  const conflict = useAppStore((s) => s.conflict);
  const draft = useAppStore((s) => s.draft);
  const draftKind = useAppStore((s) => s.draftKind);
  const loaded = useAppStore((s) => s.loaded);
  const resolve = useAppStore((s) => s.resolveConflict);
  const rereadKey = useAppStore((s) => s.rereadKey);
  if (!conflict) return null;
  const { current, busy, error, reason } = conflict;

  let headline: string;
  if (reason === 'outcome-unknown') {
    headline =
      current && loaded && current.modRevision === loaded.modRevision
        ? 'Your write did not land: etcd still holds the value you loaded.'
        : 'Your write may not have landed, and etcd now holds a different value.';
  } else if (current === null) headline = 'The key was deleted in etcd after you loaded it.';
  else headline = 'Someone else changed this key after you loaded it.';

  const currentTitle =
    current === undefined ? 'Current value in etcd' : current === null ? 'Current value in etcd (deleted)' : `Current value in etcd (rev ${current.modRevision})`;

  return (
    <div className="conflict" role="region" aria-label="Conflict" data-testid="conflict-view">
      <div className="conflict-banner">
        <strong>{headline}</strong> Nothing has been overwritten. Choose what to keep.
      </div>
      <div className="conflict-columns">
        <div className="conflict-side">
          <div className="section-label">Your draft{draftKind === 'base64' ? ' (base64)' : ''}</div>
          <pre className="conflict-value" data-testid="conflict-draft">
            {draft}
          </pre>
        </div>
        <div className="conflict-side">
          <div className="section-label">{currentTitle}</div>
          {current === undefined ? (
            <div className="conflict-value muted">
              {busy ? 'Reading the current value…' : error ? describeError(error, { op: 'get' }).title : ''}
              {error ? (
                <button type="button" className="link" onClick={() => void rereadKey(reason)}>
                  Try again
                </button>
              ) : null}
            </div>
          ) : (
            <pre className="conflict-value" data-testid="conflict-current">
              {current === null ? '(the key does not exist any more)' : valueText(current)}
            </pre>
          )}
        </div>
      </div>
      {error && current !== undefined ? (
        <div className="form-error" role="alert">
          {describeError(error, { op: 'save' }).title}
        </div>
      ) : null}
      <div className="conflict-actions">
        <button type="button" className="danger" disabled={busy || current === undefined} onClick={() => void resolve('overwrite')}>
          Overwrite with my draft
        </button>
        <button type="button" disabled={busy || current === undefined} onClick={() => void resolve('discard')}>
          Discard my draft and load current
        </button>
        <button type="button" className="primary" disabled={busy} onClick={() => void resolve('keep')}>
          Keep editing
        </button>
      </div>
    </div>
  );
}
