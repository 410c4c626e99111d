import { MergeView } from '@codemirror/merge';
import { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { useEffect, useRef } from 'react';
import type { Bytes } from '../../../../shared/bytes';
import { isText, toUint8 } from '../../../../shared/bytes';
import { useColorScheme } from '../../app/use-color-scheme';
import { hexDump } from './HexView';

/** How a value is compared: text as text, anything else as its hex dump. */
export function diffText(value: Bytes | null | undefined): string {
  if (!value) return '';
  return isText(value) ? value.data.replace(/\r\n?/g, '\n') : hexDump(toUint8(value));
}

/**
 * Two values side by side, read-only, their differences highlighted (@codemirror/merge).
 * `a` is the older side (left), `b` the newer (right).
 */
export function MergeDiff({ a, b, aLabel, bLabel, testId }: { a: string; b: string; aLabel: string; bLabel: string; testId?: string }) {
  const host = useRef<HTMLDivElement>(null);
  const scheme = useColorScheme();
  useEffect(() => {
    const parent = host.current;
    if (!parent) return;
    const side = (label: string) => [
      EditorState.readOnly.of(true),
      EditorView.editable.of(false),
      EditorView.lineWrapping,
      EditorView.contentAttributes.of({ 'aria-label': label }),
      EditorView.theme({}, { dark: scheme === 'dark' }),
    ];
    const view = new MergeView({
      a: { doc: a, extensions: side(aLabel) },
      b: { doc: b, extensions: side(bLabel) },
      parent,
      gutter: true,
      highlightChanges: true,
      collapseUnchanged: { margin: 3, minSize: 8 },
    });
    return () => view.destroy();
  }, [a, b, aLabel, bLabel, scheme]);
  return (
    <div className="merge-diff" data-testid={testId}>
      <div className="merge-diff-labels">
        <span>{aLabel}</span>
        <span>{bLabel}</span>
      </div>
      <div className="merge-diff-view" ref={host} />
    </div>
  );
}
