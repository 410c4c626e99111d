import { useEffect, useRef } from 'react';
import type { Bytes } from '../../../../shared/bytes';
import { useAppStore } from '../../app/store-context';
import { keyLabel } from '../../ui/format';
import { keyId } from '../keys/live-listing';

/**
 * A key in a tree (the folder tree, the Kubernetes layout): a click opens it in the value panel;
 * Ctrl/Cmd-click toggles it in the selection the grid and the bulk bar use. Scrolled into view
 * when it becomes the selected key.
 */
export function TreeKeyItem({ itemKey, name, level, indent, testId }: { itemKey: Bytes; name: string; level: number; indent: number; testId: string }) {
  const selected = useAppStore((s) => s.selectedKey !== null && keyId(s.selectedKey) === keyId(itemKey));
  const inSelection = useAppStore((s) => s.bulkSelected.has(keyId(itemKey)));
  const selectKey = useAppStore((s) => s.selectKey);
  const bulkClick = useAppStore((s) => s.bulkClick);
  const row = useRef<HTMLLIElement>(null);
  useEffect(() => {
    if (selected) row.current?.scrollIntoView?.({ block: 'nearest' });
  }, [selected]);
  return (
    <li ref={row} role="treeitem" aria-level={level} aria-selected={selected || inSelection} aria-label={name} data-testid={testId}>
      <div className={`tree-row${selected ? ' selected' : ''}${inSelection ? ' multi-selected' : ''}`} style={{ paddingLeft: level * indent + 16 }}>
        <button
          type="button"
          className="tree-label tree-key"
          title={keyLabel(itemKey, 500)}
          onClick={(e) => {
            if (e.ctrlKey || e.metaKey) bulkClick(itemKey, [], 'toggle');
            else void selectKey(itemKey);
          }}
        >
          {name}
        </button>
      </div>
    </li>
  );
}
