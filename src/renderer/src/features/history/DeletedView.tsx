import { useEffect, useState } from 'react';
import type { DeletedKey } from '../../../../shared/types';
import { useAppStore } from '../../app/store-context';
import { readOnlyReason } from '../../ui/modes';
import { BytesText } from '../../ui/BytesText';
import { formatSize, keyLabel } from '../../ui/format';
import { keyId } from './history-slice';
import { historyErrorText } from './history-text';

/** Keys deleted under the grid's prefix since a chosen revision (etcd's MVCC history), with undelete. */
export function DeletedView() {
  const close = useAppStore((s) => s.toggleView);
  const deleted = useAppStore((s) => s.deleted);
  const openDeleted = useAppStore((s) => s.openDeleted);
  const loadMore = useAppStore((s) => s.loadMoreDeleted);
  const activeProfileId = useAppStore((s) => s.activeProfileId);

  useEffect(() => {
    if (activeProfileId) void openDeleted();
  }, [openDeleted, activeProfileId]);

  const prefix = deleted?.prefix ?? '';
  return (
    <section className="cluster-view deleted-view" aria-label="Recently deleted" data-testid="deleted-view">
      <div className="cluster-header">
        <h2>Recently deleted under {prefix ? `“${prefix}”` : 'the whole keyspace'}</h2>
        <span className="spacer" />
        <button type="button" onClick={() => close('deleted')}>
          Close
        </button>
      </div>
      <SinceForm key={deleted?.since ?? 'none'} />
      {deleted?.status === 'loading' ? <p className="muted pad">Replaying etcd’s history…</p> : null}
      {deleted?.error ? (
        <p className="error-notice" role="alert" data-testid="deleted-error" data-code={deleted.error.code}>
          {historyErrorText(deleted.error, 'deleted')}
        </p>
      ) : null}
      {deleted?.status === 'ready' && deleted.items.length === 0 ? <p className="muted pad">No keys were deleted under this prefix since that revision.</p> : null}
      {deleted && deleted.items.length > 0 ? (
        <table className="history-table deleted-table" aria-label="Deleted keys" data-testid="deleted-keys">
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Deleted at</th>
              <th scope="col">Last size</th>
              <th scope="col">Last value</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {deleted.items.map((item) => (
              <DeletedRow key={keyId(item.key)} item={item} />
            ))}
          </tbody>
        </table>
      ) : null}
      {deleted?.next !== null && deleted?.next !== undefined ? (
        <button type="button" onClick={() => void loadMore()} disabled={deleted.loadingMore}>
          {deleted.loadingMore ? 'Loading…' : 'Load more'}
        </button>
      ) : null}
    </section>
  );
}

/** The revision the list starts after; keyed by the one shown, so a new listing resets the field. */
function SinceForm() {
  const deleted = useAppStore((s) => s.deleted);
  const setSince = useAppStore((s) => s.setDeletedSince);
  const [since, setSinceText] = useState(deleted?.since === null || deleted?.since === undefined ? '' : String(deleted.since));
  return (
    <form
      className="deleted-since"
      onSubmit={(e) => {
        e.preventDefault();
        const n = Number(since);
        if (Number.isSafeInteger(n) && n >= 0) void setSince(n);
      }}
    >
      <label className="control">
        <span className="control-label">Deleted after revision</span>
        <input type="number" min={0} value={since} onChange={(e) => setSinceText(e.target.value)} aria-label="Deleted after revision" />
      </label>
      <button type="submit" disabled={!deleted || deleted.status === 'loading'}>
        Show
      </button>
      {deleted?.bounds ? (
        <span className="muted">
          Current revision {deleted.bounds.current}
          {deleted.bounds.compacted > 0 ? `; compacted at ${deleted.bounds.compacted} (older deletes are gone)` : ''}
        </span>
      ) : null}
    </form>
  );
}

function DeletedRow({ item }: { item: DeletedKey }) {
  const refused = useAppStore(readOnlyReason);
  const state = useAppStore((s) => s.deleted?.undeletes[keyId(item.key)]);
  const undelete = useAppStore((s) => s.undelete);
  const label = keyLabel(item.key);
  return (
    <tr data-testid="deleted-row">
      <td>
        <BytesText value={item.key} max={200} />
      </td>
      <td>{item.deletedAt}</td>
      <td>{formatSize(item.last.size)}</td>
      <td className="deleted-preview">
        <BytesText value={item.last.preview} max={80} />
        {item.last.truncated ? '…' : ''}
      </td>
      <td>
        {state?.status === 'done' ? (
          <span role="status">Restored at revision {state.revision}</span>
        ) : item.recreated ? (
          <span className="muted" title="The key exists again: restoring would overwrite it">
            Exists again
          </span>
        ) : (
          <button type="button" onClick={() => void undelete(item)} disabled={state?.status === 'busy' || refused !== null} title={refused ?? undefined} aria-label={`Restore ${label}`}>
            {state?.status === 'busy' ? 'Restoring…' : 'Restore'}
          </button>
        )}
        {state?.status === 'error' ? (
          <span className="error-text" role="alert" data-code={state.error.code}>
            {' '}
            {historyErrorText(state.error, 'undelete', { key: label })}
          </span>
        ) : null}
      </td>
    </tr>
  );
}
