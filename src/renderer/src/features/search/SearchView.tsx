import { useState } from 'react';
import { useAppStore } from '../../app/store-context';
import { BytesText } from '../../ui/BytesText';
import { formatSize, keyLabel } from '../../ui/format';
import type { SearchState } from './search-slice';

const n = (x: number): string => x.toLocaleString('en-US');

/** "scanned 40,000 of 120,000 · 35 matches" (and how it ended). */
export function searchProgressText(s: SearchState): string {
  const scanned = s.total !== undefined ? `scanned ${n(s.scanned)} of ${n(s.total)}` : `scanned ${n(s.scanned)}`;
  const matches = `${n(s.hits.length)} ${s.hits.length === 1 ? 'match' : 'matches'}`;
  const end = s.status === 'cancelled' ? ' · cancelled' : s.capped ? ' · stopped at the result limit (capped)' : '';
  return `${scanned} · ${matches}${end}`;
}

/**
 * Search over the whole keyspace under a prefix (not only the keys loaded in the grid). Takes the
 * grid's place; a result opens in the value panel beside it.
 */
export function SearchView() {
  const gridPrefix = useAppStore((s) => s.prefix);
  const search = useAppStore((s) => s.search);
  const start = useAppStore((s) => s.startSearch);
  const cancel = useAppStore((s) => s.cancelSearch);
  const open = useAppStore((s) => s.openSearchHit);
  const close = useAppStore((s) => s.toggleView);
  const connected = useAppStore((s) => s.activeProfileId !== null);
  const [query, setQuery] = useState(search?.params.query ?? '');
  const [prefix, setPrefix] = useState(search?.params.prefix ?? gridPrefix);
  const [regex, setRegex] = useState(search?.params.regex ?? false);
  const [caseSensitive, setCaseSensitive] = useState(search?.params.caseSensitive ?? false);
  const [inValues, setInValues] = useState(search?.params.inValues ?? false);
  const running = search?.status === 'running';
  return (
    <section className="cluster-view search-view" aria-label="Search" data-testid="search-view">
      <div className="cluster-header">
        <h2>Search</h2>
        <span className="spacer" />
        <button type="button" onClick={() => close('search')}>
          Close
        </button>
      </div>
      <form
        className="search-form"
        onSubmit={(e) => {
          e.preventDefault();
          void start({ query, prefix, regex, caseSensitive, inValues });
        }}
      >
        <label className="control">
          <span className="control-label">Find</span>
          <input value={query} onChange={(e) => setQuery(e.target.value)} aria-label="Search for" autoFocus spellCheck={false} />
        </label>
        <label className="control">
          <span className="control-label">Under prefix</span>
          <input value={prefix} onChange={(e) => setPrefix(e.target.value)} aria-label="Search under prefix" placeholder="(the whole keyspace)" spellCheck={false} />
        </label>
        <label>
          <input type="checkbox" checked={regex} onChange={(e) => setRegex(e.target.checked)} /> Regular expression
        </label>
        <label>
          <input type="checkbox" checked={caseSensitive} onChange={(e) => setCaseSensitive(e.target.checked)} /> Match case
        </label>
        <label>
          <input type="checkbox" checked={inValues} onChange={(e) => setInValues(e.target.checked)} /> Also in values
        </label>
        <button type="submit" disabled={!connected || query === ''}>
          Search
        </button>
        {running ? (
          <button type="button" onClick={cancel}>
            Cancel
          </button>
        ) : null}
      </form>
      {search ? (
        <p className="muted pad" role="status" data-testid="search-progress">
          {searchProgressText(search)}
        </p>
      ) : null}
      {search?.error ? (
        <p className="error-notice" role="alert" data-testid="search-error" data-code={search.error.code}>
          {search.error.message}
        </p>
      ) : null}
      {search && search.hits.length > 0 ? (
        <ul className="search-results" aria-label="Search results" data-testid="search-results">
          {search.hits.map((h, i) => (
            <li key={i}>
              <button type="button" className="search-hit" onClick={() => open(h.key)} aria-label={`Open ${keyLabel(h.key)}`}>
                <BytesText value={h.key} max={200} />
                {h.inValue ? <span className="muted"> · in value</span> : null}
                {h.size !== undefined ? <span className="muted"> · {formatSize(h.size)}</span> : null}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
