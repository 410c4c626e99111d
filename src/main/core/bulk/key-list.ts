/** Builds a report's KeyList: the exact count, and the first few keys (reports stay bounded). */
import { REPORT_KEYS_MAX } from '../../../shared/contract/bulk';
import type { KeyList } from '../../../shared/job-reports';
import { bytesOf } from '../etcd/range-page';

export class KeyListBuilder {
  private n = 0;
  private readonly first: Buffer[] = [];

  add(key: Buffer): void {
    this.n++;
    if (this.first.length < REPORT_KEYS_MAX) this.first.push(key);
  }

  addAll(keys: Iterable<Buffer>): void {
    for (const k of keys) this.add(k);
  }

  get count(): number {
    return this.n;
  }

  build(): KeyList {
    return { count: this.n, keys: [...this.first].sort(Buffer.compare).map(bytesOf) };
  }
}

/** A set of report lists by name, built together. */
export function keyLists<N extends string>(...names: N[]): Record<N, KeyListBuilder> {
  return Object.fromEntries(names.map((n) => [n, new KeyListBuilder()])) as Record<N, KeyListBuilder>;
}

export const built = <N extends string>(lists: Record<N, KeyListBuilder>): Record<N, KeyList> =>
  Object.fromEntries(Object.entries<KeyListBuilder>(lists).map(([n, l]) => [n, l.build()])) as Record<N, KeyList>;
