import { useAppStore } from '../../app/store-context';
import { readOnlyReason } from '../../ui/modes';
import { formatCount } from '../../ui/format';

/** Above the grid: the selection's size and bulk actions, and Copy / Move / Delete for the whole prefix. */
export function BulkBar() {
  const selected = useAppStore((s) => s.bulkSelected.size);
  const connected = useAppStore((s) => s.activeProfileId !== null);
  const refused = useAppStore(readOnlyReason);
  const readOnly = useAppStore((s) => s.readOnlyView) || refused !== null;
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
          <button type="button" className="link" onClick={() => openCopy('copy', 'selection')} disabled={readOnly} title={refused ?? undefined}>
            Copy…
          </button>
          <button type="button" className="link" onClick={() => openCopy('move', 'selection')} disabled={readOnly} title={refused ?? undefined}>
            Move…
          </button>
          <button type="button" className="link" onClick={() => openExport('selection')}>
            Export…
          </button>
          <button type="button" className="link" onClick={() => void openDelete('selection')} disabled={readOnly} title={refused ?? undefined} data-testid="bulk-delete-selection">
            Delete selected…
          </button>
          <button type="button" className="link" onClick={clear}>
            Clear selection
          </button>
        </>
      ) : null}
      <button type="button" className="link" onClick={() => openCopy('copy', 'prefix')} disabled={readOnly} title={refused ?? undefined}>
        Copy prefix…
      </button>
      <button type="button" className="link" onClick={() => openCopy('move', 'prefix')} disabled={readOnly} title={refused ?? undefined}>
        Move prefix…
      </button>
      <button type="button" className="link" onClick={() => void openDelete('prefix')} disabled={readOnly} title={refused ?? undefined} data-testid="bulk-delete-prefix">
        Delete all under prefix…
      </button>
    </div>
  );
}
