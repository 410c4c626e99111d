import { useEffect, useState } from 'react';
import { useAppStore } from '../../app/store-context';
import { BytesText } from '../../ui/BytesText';
import { formatSize, keyLabel } from '../../ui/format';
import { ANALYZE_ROOT, type AnalyzeCount, type AnalyzeRun } from './analyze-slice';
import { namespaceRows, namespaceText, resourceRows, shareText, type NamespaceSort } from './analyze-tables';

const n = (x: number): string => x.toLocaleString('en-US');

/** What the view says before a run: what it will read, and how much. */
function intro(count: AnalyzeCount | null): string {
  const what = `Reads every value under ${ANALYZE_ROOT} at one revision to count the objects and bytes of each resource type and namespace and to find the largest objects.`;
  if (!count || count.state === 'loading') return `${what} Counting the keys…`;
  if (count.state === 'failed') return what;
  if (count.count === 0) return `${what} There are no keys under ${ANALYZE_ROOT}: this keyspace does not look like the etcd of a Kubernetes cluster.`;
  return `${what} That is ${n(count.count)} ${count.count === 1 ? 'value' : 'values'} to read from etcd.`;
}

/** "Reading values: 1,200 of 5,000 keys" (and how it ended). */
export function analyzeProgressText(run: AnalyzeRun): string {
  const keys = run.total !== undefined ? `${n(run.done)} of ${n(run.total)} keys` : `${n(run.done)} keys`;
  if (run.status === 'running') return `${run.phase ? `${run.phase[0].toUpperCase()}${run.phase.slice(1)}` : 'Starting'}: ${keys}`;
  if (run.status === 'done') return `Done: ${keys} read`;
  if (run.status === 'cancelled') return `Cancelled after ${keys}`;
  return `Failed after ${keys}`;
}

/**
 * What fills a Kubernetes etcd (like `auger analyze`): takes the grid's place; a largest object
 * opens in the value panel beside it.
 */
export function AnalyzeView() {
  const profileId = useAppStore((s) => s.activeProfileId);
  const count = useAppStore((s) => s.analyzeCount);
  const run = useAppStore((s) => s.analyzeRun);
  const loadCount = useAppStore((s) => s.loadAnalyzeCount);
  const start = useAppStore((s) => s.startAnalyze);
  const cancel = useAppStore((s) => s.cancelAnalyze);
  const open = useAppStore((s) => s.openAnalyzedKey);
  const close = useAppStore((s) => s.toggleView);
  const [sort, setSort] = useState<NamespaceSort>('objects');
  const running = run?.status === 'running';
  const report = run?.report;

  useEffect(() => {
    if (profileId) void loadCount();
  }, [profileId, loadCount]);

  return (
    <section className="cluster-view k8s-analyze-view" aria-label="Kubernetes analysis" data-testid="k8s-analyze-view">
      <div className="cluster-header">
        <h2>Kubernetes analysis</h2>
        <span className="spacer" />
        <button type="button" onClick={() => close('k8s-analyze')}>
          Close
        </button>
      </div>
      <p className="muted pad" data-testid="k8s-analyze-intro">
        {intro(count)}
      </p>
      {count?.state === 'failed' ? (
        <p className="error-notice" role="alert" data-code={count.error.code}>
          {count.error.message}
        </p>
      ) : null}
      <div className="k8s-analyze-actions">
        <button type="button" onClick={() => void start()} disabled={!profileId || running || (count?.state === 'ready' && count.count === 0)}>
          {run ? 'Analyze again' : 'Analyze'}
        </button>
        {running ? (
          <button type="button" onClick={cancel}>
            Cancel
          </button>
        ) : null}
      </div>
      {run ? (
        <div className="k8s-analyze-progress">
          {running ? <progress aria-label="Analysis progress" max={run.total || undefined} value={run.total ? Math.min(run.done, run.total) : undefined} /> : null}
          <p className="muted" role="status" data-testid="k8s-analyze-progress">
            {analyzeProgressText(run)}
          </p>
        </div>
      ) : null}
      {run?.error && run.status === 'failed' ? (
        <p className="error-notice" role="alert" data-testid="k8s-analyze-error" data-code={run.error.code}>
          {run.error.message}
        </p>
      ) : null}
      {report && run ? (
        <div className="k8s-analyze-report" data-testid="k8s-analyze-report" data-partial={run.status !== 'done'}>
          {run.status !== 'done' ? (
            <p className="k8s-analyze-partial" data-testid="k8s-analyze-partial">
              Partial report: the analysis {run.status === 'cancelled' ? 'was cancelled' : 'failed'} after {n(report.scanned)}
              {run.total !== undefined ? ` of ${n(run.total)}` : ''} keys; the numbers below count only those.
            </p>
          ) : null}
          <p data-testid="k8s-analyze-summary">
            {n(report.scanned)} keys, {formatSize(report.bytes)} of values; {n(report.encrypted)} encrypted at rest; read at revision {n(report.revision)}.
          </p>

          <h3>Resource types</h3>
          <div className="table-scroll">
            <table className="table" aria-label="Resource types" data-testid="k8s-analyze-resources">
              <thead>
                <tr>
                  <th>Resource</th>
                  <th className="num">Objects</th>
                  <th className="num">Bytes</th>
                  <th className="num">Share</th>
                </tr>
              </thead>
              <tbody>
                {resourceRows(report).map((r) => (
                  <tr key={r.resource}>
                    <td>{r.resource}</td>
                    <td className="num">{n(r.count)}</td>
                    <td className="num" title={`${n(r.bytes)} bytes`}>
                      {formatSize(r.bytes)}
                    </td>
                    <td className="num">{shareText(r.share)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>

          <h3>Namespaces</h3>
          <div className="table-scroll">
            <table className="table" aria-label="Namespaces per resource type" data-testid="k8s-analyze-namespaces">
              <thead>
                <tr>
                  <th>Resource</th>
                  <th>Namespace</th>
                  <th className="num" aria-sort={sort === 'objects' ? 'descending' : 'none'}>
                    <button type="button" className="link-button" onClick={() => setSort('objects')}>
                      Objects
                    </button>
                  </th>
                  <th className="num" aria-sort={sort === 'bytes' ? 'descending' : 'none'}>
                    <button type="button" className="link-button" onClick={() => setSort('bytes')}>
                      Bytes
                    </button>
                  </th>
                </tr>
              </thead>
              <tbody>
                {namespaceRows(report, sort).map((r) => (
                  <tr key={`${r.resource}\0${r.namespace}`}>
                    <td>{r.resource}</td>
                    <td className={r.namespace === '' ? 'muted' : undefined}>{namespaceText(r.namespace)}</td>
                    <td className="num">{n(r.count)}</td>
                    <td className="num" title={`${n(r.bytes)} bytes`}>
                      {formatSize(r.bytes)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>

          <h3>Largest objects</h3>
          <div className="table-scroll">
            <table className="table" aria-label="Largest objects" data-testid="k8s-analyze-largest">
              <thead>
                <tr>
                  <th>Key</th>
                  <th>Resource</th>
                  <th className="num">Size</th>
                </tr>
              </thead>
              <tbody>
                {report.largest.map((r, i) => (
                  <tr key={i}>
                    <td className="mono">
                      <button type="button" className="search-hit" onClick={() => open(r.key)} aria-label={`Open ${keyLabel(r.key)}`}>
                        <BytesText value={r.key} max={200} />
                      </button>
                    </td>
                    <td>{r.resource}</td>
                    <td className="num" title={`${n(r.size)} bytes`}>
                      {formatSize(r.size)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      ) : null}
    </section>
  );
}
