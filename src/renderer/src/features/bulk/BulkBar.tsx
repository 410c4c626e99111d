import { useAppStore } from '../../app/store-context';
import { formatCount } from '../../ui/format';

/** Above the grid: the selection's size and bulk actions, and Copy / Move / Delete for the whole prefix. */
export function BulkBar() {
  const selected = useAppStore((s) => s.bulkSelected.size);
  const connected = useAppStore((s) => s.activeProfileId !== null);
  const readOnly = useAppStore((s) => s.readOnlyView);
  const openDelete = useAppStore((s) => s.openBulkDelete);
  const openCopy = useAppStore((s) => s.openCopy);
  const openExport = useAppStore((s) => s.openExport);
  const clear = useAppStore((s) => s.bulkClear);
  if (!connected) return null;
  return (
    <div className="bulk-bar" role="toolbar" aria-label="Bulk actions" data-testid="bulk-bar">
      {selected > 0 ? (
        <>
          <span data-testid="bulk-selected-count">{formatCount(selected)} selected</span>
          <button type="button" className="link" onClick={() => openCopy('copy', 'selection')} disabled={readOnly}>
            Copy…
          </button>
          <button type="button" className="link" onClick={() => openCopy('move', 'selection')} disabled={readOnly}>
            Move…
          </button>
          <button type="button" className="link" onClick={() => openExport('selection')}>
            Export…
          </button>
          <button type="button" className="link" onClick={() => void openDelete('selection')} disabled={readOnly} data-testid="bulk-delete-selection">
            Delete selected…
          </button>
          <button type="button" className="link" onClick={clear}>
            Clear selection
          </button>
        </>
      ) : null}
      <button type="button" className="link" onClick={() => openCopy('copy', 'prefix')} disabled={readOnly}>
        Copy prefix…
      </button>
      <button type="button" className="link" onClick={() => openCopy('move', 'prefix')} disabled={readOnly}>
        Move prefix…
      </button>
      <button type="button" className="link" onClick={() => void openDelete('prefix')} disabled={readOnly} data-testid="bulk-delete-prefix">
        Delete all under prefix…
      </button>
    </div>
  );
}
