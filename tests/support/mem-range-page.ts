/** An in-memory RangePage for scan.ts tests: keys with value sizes (the values are zero bytes). */
import { bytesOf, type RangePage } from '../../src/main/core/etcd/range-page';
import type { Bytes } from '../../src/shared/bytes';

export interface MemRow {
  readonly key: Buffer;
  readonly size: number;
}

export class MemRangePage implements RangePage {
  constructor(
    private readonly rows: readonly MemRow[],
    readonly count: number,
    readonly more: boolean,
    readonly revision: number,
  ) {}
  get length(): number {
    return this.rows.length;
  }
  get bytes(): number {
    return this.rows.reduce((n, r) => n + r.key.length + r.size + 24, 0);
  }
  key(i: number): Buffer {
    return this.rows[i].key;
  }
  keyBytes(i: number): Bytes {
    return bytesOf(this.rows[i].key);
  }
  value(i: number): Buffer {
    return Buffer.alloc(this.rows[i].size);
  }
  valueBytes(): Bytes {
    return { encoding: 'utf8', data: '' };
  }
  valueSize(i: number): number {
    return this.rows[i].size;
  }
  preview(): { preview: Bytes; truncated: boolean } {
    return { preview: { encoding: 'utf8', data: '' }, truncated: false };
  }
  createRevision(): number {
    return 1;
  }
  modRevision(): number {
    return 1;
  }
  version(): number {
    return 1;
  }
  lease(): string {
    return '0';
  }
  keys(): Bytes[] {
    return this.rows.map((r) => bytesOf(r.key));
  }
  lastKey(): Buffer | undefined {
    return this.rows.at(-1)?.key;
  }
}
