import type { Bytes } from '../../../../shared/bytes';
import type { K8sSummary } from '../../../../shared/k8s';
import { useAppStore } from '../../app/store-context';
import { keyId } from '../keys/live-listing';
import { useSecondClock } from '../leases/use-second-clock';
import { formatAge, K8S_COLUMN_LABELS, type K8sColumn } from './k8s-tree-columns';

/** The grid header's Kubernetes columns. */
export function K8sColumnHeaders({ columns }: { columns: readonly K8sColumn[] }) {
  return (
    <>
      {columns.map((c) => (
        <span key={c} role="columnheader">
          {K8S_COLUMN_LABELS[c]}
        </span>
      ))}
    </>
  );
}

function cellText(column: K8sColumn, s: K8sSummary, now: number): string {
  switch (column) {
    case 'kind':
      return s.objectKind ?? (s.encrypted ? 'encrypted' : '');
    case 'namespace':
      return s.namespace ?? '';
    case 'name':
      return s.name ?? '';
    case 'uid':
      return s.uid ?? '';
    case 'owner':
      return s.owner ?? '';
    case 'age':
      return formatAge(s.createdAt, now);
  }
}

function rowTitle(s: K8sSummary): string | undefined {
  if (s.encrypted) return `Encrypted at rest by ${s.encrypted.provider}, key ${s.encrypted.keyName}: the API server holds the key.`;
  return s.problem;
}

/** A row's Kubernetes cells, from k8s:summaries (read once the row is on screen). */
export function K8sCells({ rowKey, columns }: { rowKey: Bytes; columns: readonly K8sColumn[] }) {
  const summary = useAppStore((s) => s.k8sSummaries.get(keyId(rowKey)));
  const now = useSecondClock();
  if (!summary) {
    return (
      <>
        {columns.map((c) => (
          <span key={c} role="gridcell" className="muted" title="Reading the object…">
            {c === 'kind' ? '…' : ''}
          </span>
        ))}
      </>
    );
  }
  const title = rowTitle(summary);
  return (
    <>
      {columns.map((c) => {
        const shown = cellText(c, summary, now);
        const note = c === 'kind' && (summary.problem || summary.encrypted);
        return (
          <span key={c} role="gridcell" className={`cell-k8s${note ? ' muted' : ''}`} title={c === 'kind' && title ? title : shown || undefined}>
            {note && !summary.objectKind ? (summary.encrypted ? 'encrypted' : '⚠ cannot decode') : shown}
          </span>
        );
      })}
    </>
  );
}
