import { Breadcrumbs } from './Breadcrumbs';
import { BulkBar } from '../bulk/BulkBar';
import { memo, useCallback, useDeferredValue, useEffect, useLayoutEffect, useMemo, useRef, useState, type CSSProperties, type KeyboardEvent } from 'react';
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
import { indexOfKey, rowAt } from './jump-run';
import { PAGE_SIZE } from './keys-slice';
import { keyId } from './live-listing';
import { rowWindow, scrollTopFor } from './row-window';
import { LiveBar } from './LiveToggle';
import { PastRevisionBanner } from './PastRevisionBanner';
import { K8sCells, K8sColumnHeaders } from '../kubernetes/K8sColumns';
import { k8sGridLayout, type K8sColumn } from '../kubernetes/k8s-tree-columns';
import { filterEntries, lowerBound } from './rows';

export const ROW_HEIGHT = 28;
export const OVERSCAN = 10;
/** Fetch the next page when the last rendered row is this close to the loaded end. */
export const LOAD_AHEAD_ROWS = 200;

/** Typed characters within this long of each other make one "go to key" (as in file managers), ms. */
export const TYPE_AHEAD_MS = 1000;

/**
 * Whether the grid should ask for the head's next page: the rows on screen are near its loaded
 * end (not somewhere the user jumped to, far past it). Pure, so it is tested on its own.
 */
export function shouldLoadMore(p: {
  lastRenderedIndex: number;
  firstRenderedIndex?: number;
  loadedCount: number;
  more: boolean;
  loading: boolean;
  filtering: boolean;
  failed: boolean;
}): boolean {
  if (!p.more || p.loading || p.filtering || p.failed) return false;
  if ((p.firstRenderedIndex ?? 0) > p.loadedCount) return false;
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
  const ensureRows = useAppStore((s) => s.ensureRows);
  const jumpTo = useAppStore((s) => s.jumpTo);
  const jump = useAppStore((s) => s.jump);
  const jumpLoading = useAppStore((s) => s.jumpLoading);
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
  // Kubernetes layout over /registry/: Kind, Namespace, Name, ... instead of the value.
  const k8s = useAppStore((s) => s.k8sGridColumns());
  const ensureK8sSummaries = useAppStore((s) => s.ensureK8sSummaries);

  const plainLayout = gridLayout(width, keyColumn);
  const k8sLayout = k8s ? k8sGridLayout(width, keyColumn) : null;
  const layout = k8sLayout ? { ...plainLayout, key: k8sLayout.key, keyMax: k8sLayout.keyMax, template: k8sLayout.template } : plainLayout;
  const k8sColumns = k8sLayout?.columns;
  const columnsKey = layout.columns.join(' ');
  // One array per set of columns, so the memoized rows re-render only when the columns change.
  const columns = useMemo(() => columnsKey.split(' ') as GridColumn[], [columnsKey]);
  const measure = useMemo(() => textMeasure(keyFont()), []);

  const deferredFilter = useDeferredValue(filter);
  const filtering = deferredFilter.trim() !== '';
  // The quick filter searches the loaded rows (head and jump run); without it the grid spans
  // every key under the prefix, loaded or not (placeholders), so its scrollbar is the keyspace's.
  const rows = useMemo(() => (filtering ? filterEntries(jump ? items.concat(jump.items) : items, deferredFilter) : items), [items, jump, deferredFilter, filtering]);
  const jumpEnd = jump ? jump.start + jump.items.length : 0;
  const count = filtering ? rows.length : Math.max(total === null ? 0 : total + deletedRows.size, items.length, jumpEnd);
  const entryAt = useCallback((i: number) => (filtering ? rows[i] : rowAt(items, jump, i)), [filtering, rows, items, jump]);

  const scrollRef = useRef<HTMLDivElement>(null);
  const [scroll, setScroll] = useState({ top: 0, viewport: 0 });
  const readScroll = useCallback(() => {
    const el = scrollRef.current;
    if (el) setScroll((cur) => (cur.top === el.scrollTop && cur.viewport === el.clientHeight ? cur : { top: el.scrollTop, viewport: el.clientHeight }));
  }, []);
  useLayoutEffect(() => {
    readScroll();
    const el = scrollRef.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(readScroll);
    observer.observe(el);
    return () => observer.disconnect();
  }, [readScroll]);
  const viewport = scroll.viewport || ROW_HEIGHT * 20;
  const win = rowWindow({ count, rowHeight: ROW_HEIGHT, scrollTop: scroll.top, viewport, overscan: OVERSCAN });
  const { first: firstRenderedIndex, last: lastRenderedIndex } = win;

  /** Scroll so row `i` is on screen ('auto': only as far as needed). */
  const scrollToRow = useCallback(
    (i: number, align: 'start' | 'end' | 'auto') => {
      const el = scrollRef.current;
      if (!el) return;
      el.scrollTop = scrollTopFor(i, align, { count, rowHeight: ROW_HEIGHT, viewport: el.clientHeight || viewport, current: el.scrollTop });
      readScroll();
    },
    [count, viewport, readScroll],
  );

  // Sizes and previews for the rows on screen (the listing is keys-only).
  useEffect(() => {
    if (lastRenderedIndex < 0) return;
    const onScreen: KeyEntry[] = [];
    for (let i = firstRenderedIndex; i <= lastRenderedIndex; i++) {
      const e = entryAt(i);
      if (e) onScreen.push(e);
    }
    if (onScreen.length === 0) return;
    if (k8s) ensureK8sSummaries(onScreen);
    else ensurePreviews(onScreen);
  }, [firstRenderedIndex, lastRenderedIndex, entryAt, ensurePreviews, k8s, ensureK8sSummaries]);

  // Rows on screen that are not loaded: read them where they are.
  useEffect(() => {
    if (!filtering && lastRenderedIndex >= 0) ensureRows(firstRenderedIndex, lastRenderedIndex);
  }, [firstRenderedIndex, lastRenderedIndex, filtering, ensureRows, items, jump, total, jumpLoading]);

  useEffect(() => {
    if (shouldLoadMore({ lastRenderedIndex, firstRenderedIndex, loadedCount: items.length, more, loading, filtering, failed: listError !== null })) {
      void loadNextPage();
    }
  }, [lastRenderedIndex, firstRenderedIndex, items.length, more, loading, filtering, listError, loadNextPage]);

  const selectedIndex = useMemo(() => {
    if (!selectedKey) return -1;
    if (!filtering) return indexOfKey(items, jump, selectedKey);
    const i = lowerBound(rows, selectedKey);
    return i < rows.length && sameKey(rows[i].key, selectedKey) ? i : -1;
  }, [filtering, rows, items, jump, selectedKey]);

  // A row to go to (keyboard, type-ahead, End): scrolled to once the grid has that many rows (a
  // jump's answer may grow the count after the call that asked), selected once it is loaded.
  const goTo = useRef<{ readonly index: number; readonly align: 'start' | 'end' | 'auto'; scrolled: boolean } | null>(null);
  const [goToSeq, setGoToSeq] = useState(0);
  useLayoutEffect(() => {
    const g = goTo.current;
    if (!g || g.index >= count) return;
    if (!g.scrolled) {
      g.scrolled = true;
      scrollToRow(g.index, g.align);
    }
    const e = entryAt(g.index);
    if (e) {
      goTo.current = null;
      void selectKey(e.key);
    }
  }, [goToSeq, count, entryAt, scrollToRow, selectKey]);

  const goToRow = useCallback((i: number, align: 'start' | 'end' | 'auto' = 'auto') => {
    goTo.current = { index: Math.max(0, i), align, scrolled: false };
    setGoToSeq((n) => n + 1);
  }, []);

  // Type-ahead: typed characters go to the first key >= prefix + what was typed, read directly.
  const typed = useRef({ text: '', at: 0 });
  const [typedShown, setTypedShown] = useState('');
  const typeAhead = (ch: string) => {
    const now = Date.now();
    const t = typed.current;
    t.text = now - t.at > TYPE_AHEAD_MS ? ch : t.text + ch;
    t.at = now;
    const wantedText = t.text;
    setTypedShown(wantedText);
    void jumpTo({ key: wantedText }).then((i) => {
      if (i !== null && typed.current.text === wantedText) goToRow(i, 'start');
    });
  };

  // One function per listing, so the memoized rows do not re-render for it; the keys are listed only on a click.
  const onModifiedClick = useCallback(
    (key: Bytes, mode: 'toggle' | 'range') => bulkClick(key, filtering ? rows.map((r) => r.key) : loadedKeys(items, jump), mode),
    [bulkClick, rows, items, jump, filtering],
  );

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (count === 0) return;
    if (e.key.toLowerCase() === 'a' && (e.ctrlKey || e.metaKey) && !e.altKey) {
      e.preventDefault();
      bulkSelectAll(filtering ? rows.map((r) => r.key) : loadedKeys(items, jump));
      return;
    }
    if (e.key === 'Escape' && typed.current.text !== '') {
      typed.current.text = '';
      setTypedShown('');
      return;
    }
    if (!filtering && e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey && (e.key !== ' ' || typed.current.text !== '')) {
      e.preventDefault();
      typeAhead(e.key);
      return;
    }
    if (e.key === 'End') {
      e.preventDefault();
      if (!filtering && (entryAt(count - 1) === undefined || (total === null && more))) {
        // The last rows, read directly (kv:seek from the end), then the last key selected.
        scrollToRow(count - 1, 'end');
        void jumpTo('end').then((i) => {
          if (i !== null) goToRow(i, 'end');
        });
      } else goToRow(count - 1, 'end');
      return;
    }
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? ROW_HEIGHT * 20) / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = {
      ArrowDown: 1,
      ArrowUp: -1,
      PageDown: page,
      PageUp: -page,
      Home: -Infinity,
    };
    const delta = moves[e.key];
    if (delta === undefined) return;
    e.preventDefault();
    const from = selectedIndex < 0 ? (delta > 0 ? -1 : win.firstVisible) : selectedIndex;
    goToRow(Math.max(0, Math.min(count - 1, from + delta)));
  };

  const position =
    !filtering && count > 0 && (more || jump !== null || win.scaled)
      ? `rows ${formatCount(win.firstVisible + 1)}–${formatCount(win.lastVisible + 1)} of ${formatCount(count)}${win.scaled ? ' (scrollbar scaled)' : ''}`
      : null;

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
        {k8sColumns ? (
          <K8sColumnHeaders columns={k8sColumns} />
        ) : (
          columns.map((c) => (
            <span key={c} role="columnheader" className={COLUMN_HEADERS[c].numeric ? 'num' : undefined}>
              {COLUMN_HEADERS[c].label}
            </span>
          ))
        )}
      </div>
      <div
        ref={scrollRef}
        className={`grid-scroll${stale ? ' stale' : ''}${pastView ? ' past' : ''}`}
        data-testid="key-grid"
        role="grid"
        aria-label={stale ? 'Keys (stale: the last listing, its reload failed)' : 'Keys'}
        aria-describedby={stale ? STALE_NOTICE_ID : undefined}
        aria-rowcount={count}
        aria-busy={jumpLoading || undefined}
        tabIndex={0}
        onKeyDown={onKeyDown}
        onScroll={readScroll}
      >
        <div className="grid-inner" style={{ height: win.height }}>
          {renderedIndices(firstRenderedIndex, lastRenderedIndex).map((index) => {
            const entry = entryAt(index);
            // Keyed by position, as the rows on screen are: a burst of live inserts updates the
            // rendered rows in place instead of moving DOM nodes.
            if (!entry) return <PlaceholderRow key={index} index={index} top={win.top(index)} />;
            const id = keyId(entry.key);
            return (
              <KeyRow
                key={index}
                entry={entry}
                index={index}
                top={win.top(index)}
                selected={index === selectedIndex || bulkSelected.has(id)}
                onSelect={selectKey}
                onModifiedClick={onModifiedClick}
                keyWidth={layout.key}
                columns={columns}
                k8sColumns={k8sColumns}
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
          shownCount={count}
          filtering={filtering}
        />
      </div>
      {typedShown !== '' ? (
        <div className="type-ahead" role="status" data-testid="type-ahead">
          Go to <span className="mono">{prefixShown(typedShown)}</span>
        </div>
      ) : null}
      <ListingError />
      <GridFooter shown={rows.length} filtering={filtering} position={position} />
    </section>
  );
}

/** Display indices first..last (inclusive). */
function renderedIndices(first: number, last: number): number[] {
  const out: number[] = [];
  for (let i = first; i <= last; i++) out.push(i);
  return out;
}

/** The keys of the loaded rows (head, then the jump run), for a range selection or Ctrl+A. */
function loadedKeys(items: readonly KeyEntry[], jump: { readonly items: readonly KeyEntry[] } | null): Bytes[] {
  const out = items.map((r) => r.key);
  if (jump) for (const r of jump.items) out.push(r.key);
  return out;
}

const prefixShown = (typed: string): string => (typed.length > 60 ? `…${typed.slice(-60)}` : typed);

/** A row not loaded yet: its page is being read where it is (never the pages before it). */
const PlaceholderRow = memo(function PlaceholderRow({ index, top }: { index: number; top: number }) {
  return (
    <div
      className={`grid-row placeholder${index % 2 ? ' odd' : ''}`}
      role="row"
      aria-rowindex={index + 1}
      aria-busy="true"
      data-testid="key-row-placeholder"
      style={{ transform: `translateY(${top}px)`, height: ROW_HEIGHT }}
    >
      <span role="gridcell" className="cell-key muted">
        …
      </span>
    </div>
  );
});

const KeyRow = memo(function KeyRow({
  entry,
  index,
  top,
  selected,
  onSelect,
  onModifiedClick,
  keyWidth,
  columns,
  k8sColumns,
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
  /** The Kubernetes columns instead of `columns` (the Kubernetes layout over /registry/). */
  k8sColumns?: readonly K8sColumn[];
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
      {k8sColumns ? (
        <K8sCells rowKey={entry.key} columns={k8sColumns} />
      ) : (
        columns.map((c) => <Cell key={c} column={c} entry={entry} />)
      )}
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

function GridFooter({ shown, filtering, position }: { shown: number; filtering: boolean; position: string | null }) {
  const total = useAppStore((s) => s.total);
  const counting = useAppStore((s) => s.counting);
  const loaded = useAppStore((s) => s.items.length + (s.jump?.items.length ?? 0));
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
      {position ? (
        <span className="muted" data-testid="grid-position">
          {position}
        </span>
      ) : null}
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
