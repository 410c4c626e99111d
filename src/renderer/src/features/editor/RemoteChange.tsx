import { useState } from 'react';
import { useAppStore } from '../../app/store-context';
import { describeError } from '../../ui/messages';
import { diffText, MergeDiff } from './MergeDiff';

/**
 * What the open key's watch saw: someone else changed or deleted the key. With unsaved changes
 * the draft stays as it is and their change is shown against the loaded value; without, the
 * panel has reloaded and says so briefly.
 */
export function RemoteChangeNotice() {
  const remote = useAppStore((s) => s.remote);
  const loaded = useAppStore((s) => s.loaded);
  const dismiss = useAppStore((s) => s.dismissRemote);
  const [showDiff, setShowDiff] = useState(true);
  if (!remote) return null;
  const what = remote.current ? 'Changed' : 'Deleted';
  const headline = `${what} by someone else at revision ${remote.revision}`;
  if (remote.reloaded) {
    return (
      <div className="remote-change reloaded" role="status" data-testid="remote-change" data-reloaded="true">
        <span>
          <strong>{headline}.</strong> {remote.current ? 'You had no unsaved changes: the panel shows their value.' : 'You had no unsaved changes.'}
        </span>
        <button type="button" className="link" onClick={dismiss}>
          Dismiss
        </button>
      </div>
    );
  }
  return (
    <div className="remote-change" role="status" data-testid="remote-change" data-reloaded="false">
      <div className="remote-change-text">
        <strong>{headline}.</strong> Your draft is kept as it is.{' '}
        {remote.current
          ? 'Saving will not overwrite their change: it opens a merge of both.'
          : 'Saving will offer to create the key again with your draft.'}
        {remote.current && loaded ? (
          <button type="button" className="link" onClick={() => setShowDiff((v) => !v)} aria-expanded={showDiff}>
            {showDiff ? 'Hide their changes' : 'Show their changes'}
          </button>
        ) : null}
      </div>
      {remote.current && loaded && showDiff ? (
        <MergeDiff
          a={diffText(loaded.value)}
          b={diffText(remote.current.value)}
          aLabel={`Loaded (revision ${loaded.modRevision})`}
          bLabel={`Theirs (revision ${remote.current.modRevision})`}
          testId="remote-diff"
        />
      ) : null}
    </div>
  );
}

/** The watch of the open key could not be opened or ended: say so, quietly. */
export function KeyWatchNote() {
  const watch = useAppStore((s) => s.keyWatch);
  if (watch.state !== 'failed') return null;
  return (
    <p className="muted pad-x key-watch-note" role="note" data-testid="key-watch-note">
      Changes by others to this key are not shown live{watch.error ? ` (${describeError(watch.error, { op: 'get' }).title})` : ''}; saving still detects
      them.
    </p>
  );
}
