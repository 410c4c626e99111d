import { useEffect, useRef } from 'react';
import type { Bytes } from '../../../../shared/bytes';
import type { KeyVersion } from '../../../../shared/types';
import { useAppStore } from '../../app/store-context';
import { readOnlyReason } from '../../ui/modes';
import { formatSize, keyLabel } from '../../ui/format';
import { currentModRevision, type KeyHistory } from './history-slice';
import { historyErrorText } from './history-text';
import { HistoryDiff } from './HistoryDiff';

/** The open key's history: versions newest first, two picked for a diff, restore one. */
export function HistoryTab({ selectedKey }: { selectedKey: Bytes }) {
  const history = useAppStore((s) => s.history);
  const openHistory = useAppStore((s) => s.openHistory);
  const closeHistory = useAppStore((s) => s.closeHistory);
  const loadOlder = useAppStore((s) => s.loadOlderVersions);

  const reloadedFor = useRef(0);
  useEffect(() => {
    reloadedFor.current = 0;
    void openHistory(selectedKey);
  }, [openHistory, selectedKey]);
  useEffect(() => () => closeHistory(), [closeHistory]);

  // The key's own watch (the value panel's) saw a revision newer than this history: read it
  // again, unless the user is comparing or restoring (then a notice offers it).
  const seen = useAppStore((s) => Math.max(s.loaded?.modRevision ?? 0, s.remote?.revision ?? 0));
  const known = history ? newestKnown(history) : 0;
  const behind = history !== null && history.status === 'ready' && seen > known;
  const busy = history !== null && (history.selected.length > 0 || history.restoring !== null);
  useEffect(() => {
    if (!behind || busy || !history || reloadedFor.current >= seen) return;
    reloadedFor.current = seen;
    void openHistory(history.key);
  }, [behind, busy, seen, history, openHistory]);

  if (!history) return null;
  const current = currentModRevision(history.versions);
  return (
    <section className="history-tab" aria-label="History" data-testid="history-tab">
      <div className="history-bar">
        <span className="muted">Revisions of “{keyLabel(history.key, 80)}”, newest first (etcd keeps revisions, not times).</span>
        <span className="spacer" />
        <button type="button" onClick={() => void openHistory(history.key)} disabled={history.status === 'loading'}>
          Reload history
        </button>
      </div>
      {behind && busy ? (
        <p className="notice pad-x" role="status" data-testid="history-behind">
          The key changed since this history was read (revision {seen}): “Reload history” shows it.
        </p>
      ) : null}
      {history.status === 'loading' ? <p className="muted pad">Loading history…</p> : null}
      {history.error ? (
        <p className="error-notice" role="alert" data-testid="history-error" data-code={history.error.code}>
          {historyErrorText(history.error, 'versions')}
        </p>
      ) : null}
      {history.status === 'ready' && history.versions.length === 0 && !history.compactedAt ? <p className="muted pad">No history: the key never existed.</p> : null}
      {history.restoreError ? (
        <p className="error-notice" role="alert" data-testid="restore-error" data-code={history.restoreError.code}>
          {historyErrorText(history.restoreError, 'restore', { key: keyLabel(history.key) })}
        </p>
      ) : null}
      {history.restoredAt !== null ? (
        <p className="notice pad-x" role="status" data-testid="restore-done">
          Restored: written as revision {history.restoredAt}.
        </p>
      ) : null}
      {history.versions.length > 0 ? <VersionTable history={history} current={current} /> : null}
      {history.next !== null ? (
        <button type="button" onClick={() => void loadOlder()} disabled={history.loadingMore} data-testid="history-load-older">
          {history.loadingMore ? 'Loading…' : 'Load older'}
        </button>
      ) : null}
      {history.compactedAt ? (
        <p className="muted pad-x" data-testid="history-compacted">
          Revisions at or below {history.compactedAt} were compacted: etcd no longer holds older history.
        </p>
      ) : null}
      <Diff history={history} />
    </section>
  );
}

/** The newest revision this history accounts for: its newest version's, or the delete after it. */
function newestKnown(h: KeyHistory): number {
  const newest = h.versions[0];
  return Math.max(newest?.deletedAt ?? 0, newest?.modRevision ?? 0, h.restoredAt ?? 0);
}

function VersionTable({ history, current }: { history: KeyHistory; current: number }) {
  const refused = useAppStore(readOnlyReason);
  const toggle = useAppStore((s) => s.toggleHistoryRevision);
  const requestRestore = useAppStore((s) => s.requestRestore);
  const rows: { version: KeyVersion; deletedMarker: number | null }[] = history.versions.map((v, i) => {
    const newer = history.versions[i - 1];
    // A delete marker above the newest version of each deleted generation.
    const marker = v.deletedAt !== undefined && (!newer || newer.deletedAt !== v.deletedAt) ? v.deletedAt : null;
    return { version: v, deletedMarker: marker };
  });
  return (
    <table className="history-table" aria-label="Versions" data-testid="history-versions">
      <thead>
        <tr>
          <th scope="col">Compare</th>
          <th scope="col">Revision</th>
          <th scope="col">Version</th>
          <th scope="col">Size</th>
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.flatMap(({ version: v, deletedMarker }) => [
          ...(deletedMarker !== null
            ? [
                <tr key={`del-${deletedMarker}`} className="history-deleted-row">
                  <td colSpan={5}>Deleted at revision {deletedMarker}</td>
                </tr>,
              ]
            : []),
          <tr key={v.modRevision} className={history.selected.includes(v.modRevision) ? 'selected' : undefined} data-revision={v.modRevision}>
            <td>
              <input
                type="checkbox"
                checked={history.selected.includes(v.modRevision)}
                onChange={() => toggle(v.modRevision)}
                aria-label={`Compare revision ${v.modRevision}`}
              />
            </td>
            <td>
              {v.modRevision}
              {v.modRevision === current ? <span className="badge">current</span> : null}
              {v.deletedAt !== undefined ? <span className="badge muted">deleted generation</span> : null}
            </td>
            <td>{v.version}</td>
            <td>{formatSize(v.size)}</td>
            <td>
              {v.modRevision !== current ? (
                <button
                  type="button"
                  onClick={() => requestRestore(v.modRevision)}
                  disabled={history.restoring !== null || refused !== null}
                  aria-label={`Restore revision ${v.modRevision}`}
                  title={refused ?? 'Restore this version'}
                >
                  {history.restoring === v.modRevision ? 'Restoring…' : 'Restore this version'}
                </button>
              ) : null}
            </td>
          </tr>,
        ])}
      </tbody>
    </table>
  );
}

function Diff({ history }: { history: KeyHistory }) {
  if (history.selected.length < 2) {
    return history.versions.length > 1 ? <p className="muted pad-x">Pick two revisions to compare them side by side.</p> : null;
  }
  const [r1, r2] = [...history.selected].sort((a, b) => a - b);
  const v1 = history.values[r1];
  const v2 = history.values[r2];
  for (const v of [v1, v2]) {
    if (v?.status === 'error') {
      return (
        <p className="error-notice" role="alert" data-code={v.error.code}>
          {historyErrorText(v.error, 'value')}
        </p>
      );
    }
  }
  if (v1?.status !== 'ready' || v2?.status !== 'ready') return <p className="muted pad">Loading values…</p>;
  return <HistoryDiff older={v1.kv} newer={v2.kv} />;
}
