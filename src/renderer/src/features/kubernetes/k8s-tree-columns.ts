/**
 * The grid's columns in the Kubernetes layout (Kind, Namespace, Name, UID, Owner, Age instead of
 * the value preview), fitted to the grid's width as app/layout.ts `gridLayout` fits the plain
 * ones: the least telling columns go first when the grid is narrow, the name takes what is left.
 */
import { PANE_LIMITS } from '../../app/layout';
import { formatDuration } from '../../ui/format';

export type K8sColumn = 'kind' | 'namespace' | 'name' | 'uid' | 'owner' | 'age';

export const K8S_COLUMN_LABELS: Readonly<Record<K8sColumn, string>> = {
  kind: 'Kind',
  namespace: 'Namespace',
  name: 'Name',
  uid: 'UID',
  owner: 'Owner',
  age: 'Age',
};

/** Fixed widths, px; the name column is flexible (at least NAME_MIN). */
const FIXED: Readonly<Record<Exclude<K8sColumn, 'name'>, number>> = { kind: 90, namespace: 100, uid: 100, owner: 140, age: 76 };
const ORDER: readonly K8sColumn[] = ['kind', 'namespace', 'name', 'uid', 'owner', 'age'];
/** Which columns a narrower grid drops first. */
const DROP_ORDER: readonly Exclude<K8sColumn, 'name'>[] = ['uid', 'age', 'owner', 'namespace', 'kind'];
export const NAME_MIN = 90;
const ROW_PADDING = 16;
const SCROLLBAR = 16;
const COLUMN_GAP = 8;

export interface K8sGridLayout {
  readonly key: number;
  readonly keyMax: number;
  readonly columns: readonly K8sColumn[];
  readonly template: string;
}

/** One array per set of columns, so memoized rows re-render only when the columns change. */
const columnSets = new Map<string, readonly K8sColumn[]>();
function stable(columns: readonly K8sColumn[]): readonly K8sColumn[] {
  const id = columns.join(' ');
  const known = columnSets.get(id);
  if (known) return known;
  columnSets.set(id, columns);
  return columns;
}

const clamp = (n: number, min: number, max: number) => Math.max(min, Math.min(max, n));

export function k8sGridLayout(width: number, keyColumn: number): K8sGridLayout {
  const K = PANE_LIMITS.keyColumn;
  const usable = width - ROW_PADDING - SCROLLBAR;
  const keyRoom = (cols: readonly K8sColumn[]) =>
    usable - NAME_MIN - COLUMN_GAP - cols.reduce((sum, c) => sum + (c === 'name' ? 0 : FIXED[c] + COLUMN_GAP), 0);
  let columns = ORDER;
  for (const drop of DROP_ORDER) {
    if (keyRoom(columns) >= K.min) break;
    columns = columns.filter((c) => c !== drop);
  }
  const keyMax = Math.max(K.min, Math.floor(keyRoom(columns)));
  // The key says little the columns do not: it gets what it asked for, up to a third of the grid.
  const key = Math.round(clamp(Math.min(keyColumn, Math.max(K.min, usable / 3)), K.min, keyMax));
  return {
    key,
    keyMax,
    columns: stable(columns),
    template: [`${key}px`, ...columns.map((c) => (c === 'name' ? `minmax(${NAME_MIN}px, 1fr)` : `${FIXED[c]}px`))].join(' '),
  };
}

/** How old an object is, from its creationTimestamp (RFC 3339): "3 d 4 h"; '' when unknown. */
export function formatAge(createdAt: string | undefined, nowMs: number): string {
  if (!createdAt) return '';
  const at = Date.parse(createdAt);
  if (!Number.isFinite(at)) return '';
  return formatDuration(Math.max(0, (nowMs - at) / 1000));
}
