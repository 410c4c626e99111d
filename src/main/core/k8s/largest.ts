/**
 * The N largest values of a scan, kept in a min-heap of N entries: the analysis sees millions of
 * values and keeps only these (their keys copied, never the values). Among equal sizes the first
 * key in key order stays, so the list does not depend on how the scan was paged.
 */

export interface LargestEntry {
  readonly key: Buffer;
  readonly resource: string;
  readonly size: number;
}

/** a is smaller than b: smaller size, or the same size and a later key. */
const below = (a: LargestEntry, b: LargestEntry): boolean => a.size < b.size || (a.size === b.size && Buffer.compare(a.key, b.key) > 0);

export class Largest {
  private readonly heap: LargestEntry[] = [];

  constructor(private readonly max: number) {}

  /** Would a value of this size (seen after every key already offered) be kept? Cheap: no key copy. */
  wants(size: number): boolean {
    return this.max > 0 && (this.heap.length < this.max || size > this.heap[0].size);
  }

  /** Offers a value; `key` is copied only when kept (it may be a view into a response buffer). */
  offer(key: Buffer, resource: string, size: number): void {
    if (!this.wants(size)) return;
    const entry = { key: Buffer.from(key), resource, size };
    if (this.heap.length < this.max) {
      this.heap.push(entry);
      this.up(this.heap.length - 1);
    } else {
      this.heap[0] = entry;
      this.down(0);
    }
  }

  /** Largest first; equal sizes in key order. */
  sorted(): LargestEntry[] {
    return [...this.heap].sort((a, b) => (below(a, b) ? 1 : below(b, a) ? -1 : 0));
  }

  private up(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!below(h[i], h[p])) return;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && below(h[l], h[m])) m = l;
      if (r < h.length && below(h[r], h[m])) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m], h[i]];
      i = m;
    }
  }
}
