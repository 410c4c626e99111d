import { MergeView } from '@codemirror/merge';
import { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { useEffect, useRef } from 'react';
import type { KeyValue } from '../../../../shared/types';
import { diffText } from './history-text';

const side = (doc: string, label: string) => ({
  doc,
  extensions: [EditorView.editable.of(false), EditorState.readOnly.of(true), EditorView.lineWrapping, EditorView.contentAttributes.of({ 'aria-label': label })],
});

/** Two revisions side by side (older left), differences highlighted; binary values as hex. */
export function HistoryDiff({ older, newer }: { older: KeyValue; newer: KeyValue }) {
  const host = useRef<HTMLDivElement>(null);
  const { a, b, binary } = diffText(older.value, newer.value);
  useEffect(() => {
    if (!host.current) return;
    const view = new MergeView({
      a: side(a, `Value at revision ${older.modRevision}`),
      b: side(b, `Value at revision ${newer.modRevision}`),
      parent: host.current,
      collapseUnchanged: { margin: 3, minSize: 8 },
    });
    return () => view.destroy();
  }, [a, b, older.modRevision, newer.modRevision]);
  return (
    <div className="history-diff" data-testid="history-diff" aria-label={`Differences between revision ${older.modRevision} and revision ${newer.modRevision}`} role="region">
      <div className="history-diff-heads">
        <span>Revision {older.modRevision}</span>
        <span>Revision {newer.modRevision}</span>
      </div>
      {binary ? <p className="muted pad-x">Binary values: compared as hex dumps.</p> : null}
      {a === b ? <p className="muted pad-x" data-testid="history-diff-same">The two values are identical.</p> : null}
      <div ref={host} className="history-diff-view" />
    </div>
  );
}
