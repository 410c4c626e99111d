/**
 * The analyze view's tables from a report: resource types with their share of all value bytes,
 * and the namespaces of each type sorted by objects or by bytes. Pure, tested without a DOM.
 */
import type { K8sAnalyzeReport } from '../../../../shared/k8s';

export interface ResourceRow {
  readonly resource: string;
  readonly count: number;
  readonly bytes: number;
  /** Of all value bytes read, 0..1. */
  readonly share: number;
}

export type NamespaceRow = K8sAnalyzeReport['byNamespace'][number];
export type NamespaceSort = 'objects' | 'bytes';

/** Resource types, largest total first (the report's order). */
export function resourceRows(report: K8sAnalyzeReport): ResourceRow[] {
  return report.byResource.map((r) => ({ ...r, share: report.bytes > 0 ? r.bytes / report.bytes : 0 }));
}

/** Namespaces per type, by objects or by bytes (the other, then the names, break ties). */
export function namespaceRows(report: K8sAnalyzeReport, sort: NamespaceSort): NamespaceRow[] {
  const first = sort === 'objects' ? (r: NamespaceRow) => r.count : (r: NamespaceRow) => r.bytes;
  const second = sort === 'objects' ? (r: NamespaceRow) => r.bytes : (r: NamespaceRow) => r.count;
  return [...report.byNamespace].sort(
    (a, b) => first(b) - first(a) || second(b) - second(a) || a.resource.localeCompare(b.resource) || a.namespace.localeCompare(b.namespace),
  );
}

/** "12.5 %"; below 0.1 % as "< 0.1 %" so a small type never reads as nothing. */
export function shareText(share: number): string {
  if (share === 0) return '0 %';
  if (share < 0.001) return '< 0.1 %';
  return `${(share * 100).toFixed(1)} %`;
}

/** A cluster-scoped type's row has no namespace. */
export const namespaceText = (namespace: string): string => (namespace === '' ? '(cluster-scoped)' : namespace);
