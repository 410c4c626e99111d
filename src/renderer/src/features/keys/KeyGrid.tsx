import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useDeferredValue, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { displayBytes, type Bytes } from '../../../../shared/bytes';
import type { ConnectionState, KeyEntry } from '../../../../shared/types';
import { useAppStore } from '../../app/store-context';
import { BytesText } from '../../ui/BytesText';
import { formatCount, formatSize } from '../../ui/format';
import { sameKey } from '../../ui/key-order';
import { PAGE_SIZE } from './keys-slice';
import { filterEntries } from './rows';

export const ROW_HEIGHT = 28;
export const OVERSCAN = 10;
/** Fetch the next page when the last rendered row is this close to the loaded end. */
export const LOAD_AHEAD_ROWS = 200;

/** Whether the grid should ask for the next page. Pure, so it is tested on its own. */
export function shouldLoadMore(p: { lastRenderedIndex: number; loadedCount: number; more: boolean; loading: boolean; filtering: boolean; failed: boolean }): boolean {
  if (!p.more || p.loading || p.filtering || p.failed) return false;
  return p.lastRenderedIndex >= p.loadedCount - LOAD_AHEAD_ROWS;
}

export function KeyGrid() {
  const items = useAppStore((s) => s.items);
  const filter = useAppStore((s) => s.filter);
  const more = useAppStore((s) => s.more);
  const loading = useAppStore((s) => s.listLoading);
  const listError = useAppStore((s) => s.listError);
  const total = useAppStore((s) => s.total);
  const activeProfileId = useAppStore((s) => s.activeProfileId);
  const connState = useAppStore((s) => (s.activeProfileId ? s.statuses[s.activeProfileId]?.state : undefined));
  const selectedKey = useAppStore((s) => s.selectedKey);
  const loadNextPage = useAppStore((s) => s.loadNextPage);
  const selectKey = useAppStore((s) => s.selectKey);

  const deferredFilter = useDeferredValue(filter);
  const rows = useMemo(() => filterEntries(items, deferredFilter), [items, deferredFilter]);
  const filtering = deferredFilter.trim() !== '';

  const scrollRef = useRef<HTMLDivElement>(null);
  // The virtualizer is deliberately re-read every render (no React Compiler memoization here).
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: OVERSCAN,
  });
  const virtualRows = virtualizer.getVirtualItems();
  const lastRenderedIndex = virtualRows.length ? virtualRows[virtualRows.length - 1].index : -1;

  useEffect(() => {
    if (shouldLoadMore({ lastRenderedIndex, loadedCount: rows.length, more, loading, filtering, failed: listError !== null })) {
      void loadNextPage();
    }
  }, [lastRenderedIndex, rows.length, more, loading, filtering, listError, loadNextPage]);

  const selectedIndex = useMemo(() => (selectedKey ? rows.findIndex((r) => sameKey(r.key, selectedKey)) : -1), [rows, selectedKey]);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (rows.length === 0) return;
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? ROW_HEIGHT * 20) / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = {
      ArrowDown: 1,
      ArrowUp: -1,
      PageDown: page,
      PageUp: -page,
      Home: -Infinity,
      End: Infinity,
    };
    const delta = moves[e.key];
    if (delta === undefined) return;
    e.preventDefault();
    const from = selectedIndex < 0 ? -1 : selectedIndex;
    const to = Math.max(0, Math.min(rows.length - 1, from + delta));
    virtualizer.scrollToIndex(to, { align: 'auto' });
    void selectKey(rows[to].key);
  };

  return (
    <section className="key-pane" aria-label="Keys">
      <GridControls />
      <div className="grid-header" role="row">
        <span role="columnheader">Key</span>
        <span role="columnheader">Value</span>
        <span role="columnheader" className="num">
          Size
        </span>
        <span role="columnheader" className="num">
          Ver
        </span>
        <span role="columnheader" className="num">
          Mod rev
        </span>
        <span role="columnheader" className="num">
          Lease
        </span>
      </div>
      <div
        ref={scrollRef}
        className="grid-scroll"
        data-testid="key-grid"
        role="grid"
        aria-label="Keys"
        aria-rowcount={total ?? rows.length}
        tabIndex={0}
        onKeyDown={onKeyDown}
      >
        <div className="grid-inner" style={{ height: virtualizer.getTotalSize() }}>
          {virtualRows.map((vr) => {
            const entry = rows[vr.index];
            return (
              <KeyRow
                key={vr.key}
                entry={entry}
                index={vr.index}
                top={vr.start}
                selected={vr.index === selectedIndex}
                onSelect={selectKey}
              />
            );
          })}
        </div>
        <GridEmptyState
          connected={activeProfileId !== null}
          connState={connState}
          failed={listError !== null}
          loading={loading}
          loadedCount={items.length}
          shownCount={rows.length}
          filtering={filtering}
        />
      </div>
      <GridFooter shown={rows.length} filtering={filtering} />
    </section>
  );
}

const KeyRow = memo(function KeyRow({
  entry,
  index,
  top,
  selected,
  onSelect,
}: {
  entry: KeyEntry;
  index: number;
  top: number;
  selected: boolean;
  onSelect: (key: Bytes) => Promise<void>;
}) {
  return (
    <div
      className={`grid-row${selected ? ' selected' : ''}${index % 2 ? ' odd' : ''}`}
      role="row"
      aria-selected={selected}
      aria-rowindex={index + 1}
      data-testid="key-row"
      style={{ transform: `translateY(${top}px)`, height: ROW_HEIGHT }}
      onMouseDown={() => void onSelect(entry.key)}
    >
      <span role="gridcell" className="cell-key" title={displayBytes(entry.key, 1000)}>
        <BytesText value={entry.key} max={300} />
      </span>
      <span role="gridcell" className="cell-preview">
        {entry.preview ? <BytesText value={entry.preview} max={160} /> : <span className="muted">—</span>}
        {entry.truncated ? <span className="muted">…</span> : null}
      </span>
      <span role="gridcell" className="num">
        {formatSize(entry.size)}
      </span>
      <span role="gridcell" className="num">
        {entry.version}
      </span>
      <span role="gridcell" className="num">
        {entry.modRevision}
      </span>
      <span role="gridcell" className="num" title={entry.lease !== '0' ? `lease ${entry.lease}` : undefined}>
        {entry.lease !== '0' ? entry.lease : ''}
      </span>
    </div>
  );
});

function GridControls() {
  const prefix = useAppStore((s) => s.prefix);
  const filter = useAppStore((s) => s.filter);
  const setPrefix = useAppStore((s) => s.setPrefix);
  const setFilter = useAppStore((s) => s.setFilter);
  const focusSeq = useAppStore((s) => s.focusFilterSeq);
  const connected = useAppStore((s) => s.activeProfileId !== null);
  const [prefixText, setPrefixText] = useState(prefix);
  const [shownPrefix, setShownPrefix] = useState(prefix);
  const filterRef = useRef<HTMLInputElement>(null);

  // A prefix applied elsewhere shows up in the box (adjusting state while rendering, not in an effect).
  if (shownPrefix !== prefix) {
    setShownPrefix(prefix);
    setPrefixText(prefix);
  }

  useEffect(() => {
    if (focusSeq > 0) {
      filterRef.current?.focus();
      filterRef.current?.select();
    }
  }, [focusSeq]);

  const applied = prefixText === prefix;

  return (
    <div className="grid-controls">
      <label className="control prefix-control" title="Server-side prefix: only keys starting with it are listed. Press Enter to apply.">
        <span className="control-label">Prefix</span>
        <input
          value={prefixText}
          onChange={(e) => setPrefixText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              void setPrefix(prefixText);
            } else if (e.key === 'Escape') {
              setPrefixText(prefix);
            }
          }}
          placeholder="/ (whole keyspace)"
          spellCheck={false}
          disabled={!connected}
          aria-label="Key prefix"
          data-testid="prefix-input"
          className={applied ? '' : 'pending'}
        />
        {!applied ? <span className="control-hint">↵ to apply</span> : null}
      </label>
      <label className="control filter-control" title="Filter the loaded keys (client-side)">
        <span className="control-label">Filter</span>
        <input
          id="quick-filter"
          ref={filterRef}
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') setFilter('');
          }}
          placeholder="loaded keys containing…"
          spellCheck={false}
          aria-label="Quick filter"
          data-testid="quick-filter"
        />
      </label>
    </div>
  );
}

function GridEmptyState({
  connected,
  connState,
  failed,
  loading,
  loadedCount,
  shownCount,
  filtering,
}: {
  connected: boolean;
  connState: ConnectionState | undefined;
  failed: boolean;
  loading: boolean;
  loadedCount: number;
  shownCount: number;
  filtering: boolean;
}) {
  if (shownCount > 0) return null;
  let text: string;
  if (!connected) text = 'Pick a connection on the left.';
  else if (connState === 'connecting') text = 'Connecting…';
  else if (connState === 'unreachable' || connState === 'disconnected') text = 'Not connected: the cluster did not answer. See the status bar.';
  else if (loading) text = 'Loading keys…';
  else if (failed && loadedCount === 0) text = 'Listing failed. See the status bar.';
  else if (filtering && loadedCount > 0) text = 'No loaded key matches the filter.';
  else text = 'No keys under this prefix.';
  return <div className="grid-empty">{text}</div>;
}

function GridFooter({ shown, filtering }: { shown: number; filtering: boolean }) {
  const total = useAppStore((s) => s.total);
  const counting = useAppStore((s) => s.counting);
  const loaded = useAppStore((s) => s.items.length);
  const more = useAppStore((s) => s.more);
  const loading = useAppStore((s) => s.listLoading);
  const listError = useAppStore((s) => s.listError);
  const loadNextPage = useAppStore((s) => s.loadNextPage);
  const reloadKeys = useAppStore((s) => s.reloadKeys);
  const connected = useAppStore((s) => s.activeProfileId !== null);
  if (!connected) return <div className="grid-footer" />;
  return (
    <div className="grid-footer" data-testid="grid-footer">
      <span data-testid="key-count">{total !== null ? `${formatCount(total)} ${total === 1 ? 'key' : 'keys'}` : loading || counting ? 'Counting…' : '—'}</span>
      <span className="muted">loaded {formatCount(loaded)}</span>
      {filtering ? <span className="muted">{formatCount(shown)} match</span> : null}
      {loading ? <span className="muted">loading…</span> : null}
      <span className="spacer" />
      {listError ? (
        <button type="button" className="link" onClick={() => void reloadKeys()}>
          Listing failed — reload
        </button>
      ) : more && filtering ? (
        <button type="button" className="link" onClick={() => void loadNextPage()} disabled={loading} title="The filter only searches loaded keys">
          Load next {formatCount(PAGE_SIZE)} keys
        </button>
      ) : null}
    </div>
  );
}
