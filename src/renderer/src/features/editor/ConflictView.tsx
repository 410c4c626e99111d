import { useMemo, useRef, useState } from 'react';
import type { KeyValue } from '../../../../shared/types';
import { useAppStore } from '../../app/store-context';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { keyLabel } from '../../ui/format';
import { describeError } from '../../ui/messages';
import { conflictsLeft, type ConflictChoice, type ConflictState } from './editor-slice';
import { diffText, MergeDiff } from './MergeDiff';
import { lineEndings } from './value-mode';
import { ValueEditor } from './ValueEditor';

const rev = (kv: KeyValue | null | undefined) => (kv ? `revision ${kv.modRevision}` : 'did not exist');

function headlineOf(c: ConflictState, loaded: KeyValue | null): string {
  const { current, reason } = c;
  if (reason === 'outcome-unknown') {
    return current && loaded && current.modRevision === loaded.modRevision
      ? 'Your write did not land: etcd still holds the value you loaded.'
      : 'Your write may not have landed, and etcd now holds a different value.';
  }
  if (current === null) return 'The key was deleted in etcd after you loaded it.';
  if (c.round > 1) return `Someone else changed this key again while you merged${current ? ` (now at revision ${current.modRevision})` : ''}.`;
  return `Someone else changed this key after you loaded it${current ? ` (now at revision ${current.modRevision})` : ''}.`;
}

/**
 * A conflict in three parts: what the user started from (base), what etcd holds now (theirs), and
 * the draft (mine). Text values get a line merge the user edits directly; saving it is a
 * compare-and-swap against the revision shown, so a further change is caught again. Values that
 * are not text offer mine or theirs. Nothing is overwritten without a button press.
 */
export function ConflictView() {
  const conflict = useAppStore((s) => s.conflict);
  const loaded = useAppStore((s) => s.loaded);
  const remote = useAppStore((s) => s.remote);
  const selectedKey = useAppStore((s) => s.selectedKey);
  const resolve = useAppStore((s) => s.resolveConflict);
  const recheck = useAppStore((s) => s.recheckConflict);
  const setMerged = useAppStore((s) => s.setMerged);
  const [diff, setDiff] = useState<'theirs' | 'mine'>('theirs');
  const lastChoice = useRef<ConflictChoice>('save');
  const left = useMemo(() => (conflict?.textMerge ? conflictsLeft(conflict, conflict.merged) : 0), [conflict]);
  if (!conflict) return null;
  const c = conflict;
  const { current, busy, error } = c;
  const act = (choice: ConflictChoice) => {
    lastChoice.current = choice;
    void resolve(choice);
  };
  const baseLabel = `${c.round > 1 ? 'Merged against' : 'You started from'} (${rev(c.base)})`;
  const theirLabel = `Theirs: in etcd now (${current === undefined ? 'reading…' : current === null ? 'deleted' : rev(current)})`;
  const newer = remote && current !== undefined && remote.revision > (current?.modRevision ?? 0) ? remote : null;
  const crlf = c.textMerge && lineEndings(c.merged) === 'crlf';

  return (
    <div className="conflict" role="region" aria-label="Conflict" data-testid="conflict-view" data-round={c.round}>
      <div className="conflict-banner">
        <strong>{headlineOf(c, loaded)}</strong> Nothing has been overwritten.{' '}
        {current === null
          ? 'Create it again with your draft, or drop your draft.'
          : c.textMerge
            ? 'Both changes are merged below where they do not overlap; edit the result and save it.'
            : current
              ? 'This value is not text: keep yours or take theirs.'
              : ''}
      </div>
      {newer ? (
        <div className="conflict-newer" role="status" data-testid="conflict-newer">
          {newer.current ? 'Changed' : 'Deleted'} again by someone else at revision {newer.revision}: saving will show it and merge again.
        </div>
      ) : null}

      {current === undefined ? (
        <div className="conflict-value muted">
          {busy ? 'Reading the current value…' : error ? describeError(error, { op: 'get' }).title : ''}{' '}
          {error && !busy ? (
            <button type="button" className="link" onClick={() => void recheck()}>
              Try again
            </button>
          ) : null}
        </div>
      ) : current === null ? (
        <div className="conflict-side">
          <div className="section-label">Your draft</div>
          <pre className="conflict-value" data-testid="conflict-draft">
            {diffText(c.mine)}
          </pre>
        </div>
      ) : (
        <>
          <div className="conflict-tabs" role="tablist" aria-label="Differences">
            <button type="button" role="tab" aria-selected={diff === 'theirs'} onClick={() => setDiff('theirs')} data-testid="conflict-tab-theirs">
              Their changes
            </button>
            <button type="button" role="tab" aria-selected={diff === 'mine'} onClick={() => setDiff('mine')} data-testid="conflict-tab-mine">
              Your changes
            </button>
          </div>
          {diff === 'theirs' ? (
            <MergeDiff a={diffText(c.base?.value)} b={diffText(current.value)} aLabel={baseLabel} bLabel={theirLabel} testId="conflict-diff-theirs" />
          ) : (
            <MergeDiff a={diffText(c.base?.value)} b={diffText(c.mine)} aLabel={baseLabel} bLabel="Yours: your draft" testId="conflict-diff-mine" />
          )}
          {c.textMerge ? (
            <div className="conflict-merged">
              <div className="section-label">
                Merged result{' '}
                <span className={left > 0 ? 'conflict-count has-conflicts' : 'conflict-count'} data-testid="conflict-count" aria-live="polite">
                  {left > 0
                    ? `— ${left === 1 ? '1 conflict' : `${left} conflicts`} left: keep the lines you want between <<<<<<< mine and >>>>>>> theirs, remove the markers`
                    : c.mergeConflicts > 0
                      ? '— no conflicts left'
                      : '— merged cleanly: both changes are in'}
                </span>
              </div>
              <ValueEditor
                value={c.merged}
                mode="plain"
                onChange={setMerged}
                crlf={crlf}
                readOnly={busy}
                ariaLabel="Merged result"
                testId="merged-editor"
              />
            </div>
          ) : null}
        </>
      )}

      {c.refused ? (
        <div className="form-error" role="alert" data-testid="conflict-refused">
          {c.refused}
        </div>
      ) : null}
      {error && current !== undefined ? (
        <ErrorNotice
          error={error}
          context={{ op: 'save', key: keyLabel(selectedKey) }}
          handlers={{ reread: () => void recheck(), retry: () => act(lastChoice.current) }}
          testId="conflict-error"
        />
      ) : null}
      <div className="conflict-actions">
        {current === null ? (
          <>
            <button type="button" className="primary" disabled={busy} onClick={() => act('mine')} data-testid="conflict-recreate">
              Recreate with my draft
            </button>
            <button type="button" disabled={busy} onClick={() => act('theirs')}>
              Discard my draft
            </button>
            <button type="button" disabled={busy} onClick={() => act('keep')}>
              Keep editing
            </button>
          </>
        ) : c.textMerge ? (
          <>
            <button type="button" className="primary" disabled={busy} onClick={() => act('save')} data-testid="conflict-save">
              {busy ? 'Saving…' : 'Save merged result'}
            </button>
            <button type="button" disabled={busy || current === undefined} onClick={() => act('keep')} title="Continue in the editor with the merged result, based on the current value">
              Keep editing
            </button>
            <button type="button" disabled={busy || current === undefined} onClick={() => act('theirs')}>
              Discard my draft and load current
            </button>
          </>
        ) : (
          <>
            <button type="button" className="primary" disabled={busy || current === undefined} onClick={() => act('mine')} data-testid="conflict-mine">
              Keep mine
            </button>
            <button type="button" disabled={busy || current === undefined} onClick={() => act('theirs')} data-testid="conflict-theirs">
              Take theirs
            </button>
            <button type="button" disabled={busy || current === undefined} onClick={() => act('keep')}>
              Keep editing
            </button>
          </>
        )}
      </div>
    </div>
  );
}
