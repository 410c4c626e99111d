import { Breadcrumbs } from './Breadcrumbs';
import { BulkBar } from '../bulk/BulkBar';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useDeferredValue, useEffect, useMemo, useRef, useState, type CSSProperties, type KeyboardEvent } from 'react';
import { displayBytes, type Bytes } from '../../../../shared/bytes';
import type { ConnectionState, KeyEntry } from '../../../../shared/types';
import { gridLayout, PANE_LIMITS, type GridColumn } from '../../app/layout';
import { useAppStore } from '../../app/store-context';
import { BytesText } from '../../ui/BytesText';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { formatClock, formatCount, formatSize } from '../../ui/format';
import { sameKey } from '../../ui/key-order';
import { LeaseCell } from '../leases/LeaseCell';
import { shortenMiddle, textMeasure, type Measure } from '../../ui/shorten-middle';
import { Splitter } from '../../ui/Splitter';
import { PAGE_SIZE } from './keys-slice';
import { keyId } from './live-listing';
import { LiveBar } from './LiveToggle';
import { PastRevisionBanner } from './PastRevisionBanner';
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

/** Room the "bin" badge takes in front of a binary key, px (.bin-badge in app.css). */
const BIN_BADGE_PX = 30;

const COLUMN_HEADERS: Record<GridColumn, { readonly label: string; readonly numeric: boolean }> = {
  preview: { label: 'Value', numeric: false },
  size: { label: 'Size', numeric: true },
  version: { label: 'Ver', numeric: true },
  modRevision: { label: 'Mod rev', numeric: true },
  lease: { label: 'Lease', numeric: true },
};

/** The key cell's font (monospace, --fs-small), read from the stylesheet so measuring matches what is drawn. */
function keyFont(): { family: string; sizePx: number } {
  const root = typeof getComputedStyle === 'function' ? getComputedStyle(document.documentElement) : null;
  const family = root?.getPropertyValue('--mono').trim() || 'monospace';
  const sizePx = parseFloat(root?.getPropertyValue('--fs-small') ?? '') || 12;
  return { family, sizePx };
}

/** A key as the grid shows it: the whole key for tooltips and screen readers, and what fits the column. */
export function keyCellText(key: Bytes, columnPx: number, measure: Measure): { full: string; shown: string; binary: boolean } {
  const binary = key.encoding === 'base64';
  const full = displayBytes(key, Infinity);
  const room = columnPx - (binary ? BIN_BADGE_PX : 0);
  return { full, shown: shortenMiddle(full, room, measure), binary };
}

/** The listing; `width` is the pane's width in px (the key column and the columns shown follow it). */
export function KeyGrid({ width }: { width: number }) {
  const items = useAppStore((s) => s.items);
  const filter = useAppStore((s) => s.filter);
  const more = useAppStore((s) => s.more);
  const loading = useAppStore((s) => s.listLoading);
  const listError = useAppStore((s) => s.listError);
  const stale = useAppStore((s) => s.listStale);
  const total = useAppStore((s) => s.total);
  const activeProfileId = useAppStore((s) => s.activeProfileId);
  const connState = useAppStore((s) => (s.activeProfileId ? s.statuses[s.activeProfileId]?.state : undefined));
  const selectedKey = useAppStore((s) => s.selectedKey);
  const loadNextPage = useAppStore((s) => s.loadNextPage);
  const ensurePreviews = useAppStore((s) => s.ensurePreviews);
  const selectKey = useAppStore((s) => s.selectKey);
  const bulkSelected = useAppStore((s) => s.bulkSelected);
  const bulkClick = useAppStore((s) => s.bulkClick);
  const bulkSelectAll = useAppStore((s) => s.bulkSelectAll);
  const keyColumn = useAppStore((s) => s.panes.keyColumn);
  const setPanes = useAppStore((s) => s.setPanes);
  // live grid: rows changed by live updates (highlighted briefly), and whether the rows are a past revision
  const flashes = useAppStore((s) => s.flashes);
  const deletedRows = useAppStore((s) => s.deletedRows);
  const pastView = useAppStore((s) => s.viewRevision !== null);
  const liveUpdates = useAppStore((s) => s.liveUpdates);

  const layout = gridLayout(width, keyColumn);
  const columnsKey = layout.columns.join(' ');
  // One array per set of columns, so the memoized rows re-render only when the columns change.
  const columns = useMemo(() => columnsKey.split(' ') as GridColumn[], [columnsKey]);
  const measure = useMemo(() => textMeasure(keyFont()), []);

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
  const firstRenderedIndex = virtualRows.length ? virtualRows[0].index : 0;

  // Sizes and previews for the rows on screen (the listing is keys-only).
  useEffect(() => {
    if (lastRenderedIndex >= 0) ensurePreviews(rows.slice(firstRenderedIndex, lastRenderedIndex + 1));
  }, [firstRenderedIndex, lastRenderedIndex, rows, ensurePreviews]);

  useEffect(() => {
    if (shouldLoadMore({ lastRenderedIndex, loadedCount: rows.length, more, loading, filtering, failed: listError !== null })) {
      void loadNextPage();
    }
  }, [lastRenderedIndex, rows.length, more, loading, filtering, listError, loadNextPage]);

  const selectedIndex = useMemo(() => (selectedKey ? rows.findIndex((r) => sameKey(r.key, selectedKey)) : -1), [rows, selectedKey]);

  // One function per listing, so the memoized rows do not re-render for it.
  const onModifiedClick = useCallback((key: Bytes, mode: 'toggle' | 'range') => bulkClick(key, rows.map((r) => r.key), mode), [bulkClick, rows]);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (rows.length === 0) return;
    if (e.key.toLowerCase() === 'a' && (e.ctrlKey || e.metaKey) && !e.altKey) {
      e.preventDefault();
      bulkSelectAll(rows.map((r) => r.key));
      return;
    }
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
    <section
      className="key-pane"
      id="key-pane"
      aria-label="Keys"
      style={{ '--grid-columns': layout.template } as CSSProperties}
      data-live-updates={liveUpdates}
    >
      <GridControls />
      <Breadcrumbs />
      <BulkBar />
      <LiveBar />
      <PastRevisionBanner />
      <StaleListing />
      <div className="grid-header" role="row">
        <span role="columnheader" className="key-header">
          Key
          <Splitter
            label="Key column width"
            value={layout.key}
            min={PANE_LIMITS.keyColumn.min}
            max={layout.keyMax}
            onChange={(keyColumn) => setPanes({ keyColumn })}
            className="column-splitter"
          />
        </span>
        {columns.map((c) => (
          <span key={c} role="columnheader" className={COLUMN_HEADERS[c].numeric ? 'num' : undefined}>
            {COLUMN_HEADERS[c].label}
          </span>
        ))}
      </div>
      <div
        ref={scrollRef}
        className={`grid-scroll${stale ? ' stale' : ''}${pastView ? ' past' : ''}`}
        data-testid="key-grid"
        role="grid"
        aria-label={stale ? 'Keys (stale: the last listing, its reload failed)' : 'Keys'}
        aria-describedby={stale ? STALE_NOTICE_ID : undefined}
        aria-rowcount={total ?? rows.length}
        tabIndex={0}
        onKeyDown={onKeyDown}
      >
        <div className="grid-inner" style={{ height: virtualizer.getTotalSize() }}>
          {virtualRows.map((vr) => {
            const entry = rows[vr.index];
            const id = keyId(entry.key);
            return (
              <KeyRow
                key={vr.key}
                entry={entry}
                index={vr.index}
                top={vr.start}
                selected={vr.index === selectedIndex || bulkSelected.has(id)}
                onSelect={selectKey}
                onModifiedClick={onModifiedClick}
                keyWidth={layout.key}
                columns={columns}
                measure={measure}
                flashAt={flashes.get(id)}
                deleted={deletedRows.has(id)}
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
      <ListingError />
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
  onModifiedClick,
  keyWidth,
  columns,
  measure,
  flashAt,
  deleted = false,
}: {
  entry: KeyEntry;
  index: number;
  top: number;
  selected: boolean;
  onSelect: (key: Bytes) => Promise<void>;
  /** Ctrl/Cmd-click toggles the row in the multi-selection, Shift-click selects a range. */
  onModifiedClick?: (key: Bytes, mode: 'toggle' | 'range') => void;
  keyWidth: number;
  columns: readonly GridColumn[];
  measure: Measure;
  /** When a live update last changed this row (ms): a brief highlight, restarted by each change. */
  flashAt?: number;
  /** Deleted by a live update: shown marked for a moment, then it leaves. */
  deleted?: boolean;
}) {
  const { full, shown, binary } = keyCellText(entry.key, keyWidth, measure);
  const label = binary ? `${full} (binary key, not UTF-8, shown as hex)` : full;
  const rowTitle = deleted ? `${label} was deleted` : undefined;
  const openKeyMenu = useAppStore((s) => s.openKeyMenu);
  return (
    <div
      className={`grid-row${selected ? ' selected' : ''}${index % 2 ? ' odd' : ''}${deleted ? ' live-deleted' : ''}`}
      role="row"
      aria-selected={selected}
      aria-rowindex={index + 1}
      data-testid="key-row"
      style={{ transform: `translateY(${top}px)`, height: ROW_HEIGHT }}
      onMouseDown={(e) => {
        if (onModifiedClick && (e.ctrlKey || e.metaKey || e.shiftKey)) onModifiedClick(entry.key, e.shiftKey ? 'range' : 'toggle');
        else void onSelect(entry.key);
      }}
      onContextMenu={(e) => {
        e.preventDefault();
        openKeyMenu(entry.key, e.clientX, e.clientY);
      }}
      data-changed={flashAt !== undefined ? 'true' : undefined}
      data-deleted={deleted ? 'true' : undefined}
      title={rowTitle}
    >
      {flashAt !== undefined ? <span key={flashAt} className="live-flash" aria-hidden="true" /> : null}
      <span role="gridcell" className="cell-key" title={label} aria-label={label}>
        {binary ? (
          <span className="bin-badge" aria-hidden="true">
            bin
          </span>
        ) : null}
        {shown}
      </span>
      {columns.map((c) => (
        <Cell key={c} column={c} entry={entry} />
      ))}
    </div>
  );
});

function Cell({ column, entry }: { column: GridColumn; entry: KeyEntry }) {
  switch (column) {
    case 'preview':
      return (
        <span role="gridcell" className="cell-preview">
          {entry.preview ? (
            <BytesText value={entry.preview} max={160} />
          ) : entry.size === undefined ? (
            // Keys-only listing: the value is read once the row is on screen.
            <span className="muted" title="Reading the value…">
              …
            </span>
          ) : (
            <span className="muted">—</span>
          )}
          {entry.truncated ? <span className="muted">…</span> : null}
        </span>
      );
    case 'size':
      return (
        <span role="gridcell" className="num">
          {formatSize(entry.size)}
        </span>
      );
    case 'version':
      return (
        <span role="gridcell" className="num">
          {entry.version}
        </span>
      );
    case 'modRevision':
      return (
        <span role="gridcell" className="num">
          {entry.modRevision}
        </span>
      );
    case 'lease':
      return <LeaseCell id={entry.lease} />;
  }
}

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

/** What a listing failure says and offers, wherever the grid shows it. */
function useListingErrorProps() {
  const profile = useAppStore((s) => s.activeProfile());
  const retryListing = useAppStore((s) => s.retryListing);
  const reloadKeys = useAppStore((s) => s.reloadKeys);
  const reconnect = useAppStore((s) => s.reconnect);
  const openProfileForm = useAppStore((s) => s.openProfileForm);
  return {
    context: { op: 'list' as const, profileName: profile?.name, username: profile?.username, deadlineMs: profile?.deadlineMs },
    handlers: {
      retry: () => void retryListing(),
      reload: () => void reloadKeys(),
      reconnect: () => void reconnect(),
      ...(profile ? { 'edit-profile': () => openProfileForm('edit', profile) } : {}),
    },
  };
}

/** The listing's failure, the one place it is shown, with the follow-up its code suggests (a failed reload: StaleListing). */
function ListingError() {
  const error = useAppStore((s) => s.listError);
  const stale = useAppStore((s) => s.listStale);
  const props = useListingErrorProps();
  if (!error || stale) return null;
  return <ErrorNotice error={error} {...props} testId="listing-error" className="grid-error" />;
}

const STALE_NOTICE_ID = 'listing-stale-notice';

/** A reload failed and the last listing stayed: said above the rows, once, with why and the follow-up. */
function StaleListing() {
  const error = useAppStore((s) => s.listError);
  const stale = useAppStore((s) => s.listStale);
  const listedAt = useAppStore((s) => s.listedAt);
  const props = useListingErrorProps();
  if (!error || !stale) return null;
  const when = listedAt !== null ? ` (read at ${formatClock(listedAt)})` : '';
  return (
    <ErrorNotice
      error={error}
      {...props}
      id={STALE_NOTICE_ID}
      lead={<strong className="stale-lead">Showing the last listing{when}: reload failed — </strong>}
      testId="listing-stale"
      className="grid-stale"
    />
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
  // A failed listing says so below the rows (ListingError), once.
  if (shownCount > 0 || (failed && loadedCount === 0)) return null;
  let text: string;
  if (!connected) text = 'Pick a connection on the left.';
  else if (connState === 'connecting') text = 'Connecting…';
  else if (connState === 'unreachable' || connState === 'disconnected') text = 'Not connected: the cluster did not answer. See the status bar.';
  else if (loading) text = 'Loading keys…';
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
  const stale = useAppStore((s) => s.listStale);
  const loadNextPage = useAppStore((s) => s.loadNextPage);
  const connected = useAppStore((s) => s.activeProfileId !== null);
  if (!connected) return <div className="grid-footer" />;
  // A stale listing's count is what that listing held, and says so.
  const count =
    total !== null
      ? `${formatCount(total)} ${total === 1 ? 'key' : 'keys'}${stale ? ' (stale)' : ''}`
      : stale
        ? 'Count unknown (stale)'
        : loading || counting
          ? 'Counting…'
          : '—';
  return (
    <div className="grid-footer" data-testid="grid-footer">
      <span data-testid="key-count">{count}</span>
      <span className="muted">loaded {formatCount(loaded)}</span>
      {filtering ? <span className="muted">{formatCount(shown)} match</span> : null}
      {loading ? <span className="muted">loading…</span> : null}
      <span className="spacer" />
      {more && filtering && !listError ? (
        <button type="button" className="link" onClick={() => void loadNextPage()} disabled={loading} title="The filter only searches loaded keys">
          Load next {formatCount(PAGE_SIZE)} keys
        </button>
      ) : null}
    </div>
  );
}
