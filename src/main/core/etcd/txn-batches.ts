/**
 * Grouping per-key work into transactions etcd accepts: at most `maxItems` operations (etcd's
 * default --max-txn-ops is 128 per compare list and per branch) and a request of at most
 * `maxBytes` (--max-request-bytes, 1.5 MiB by default). Every batching of the app goes through
 * here: bulk put, bulk delete, undo, copy/move, import.
 */

/** Room for the txn envelope. */
export const TXN_OVERHEAD_BYTES = 512;
/** Per key inside a txn: tags and lengths of its compares and ops. */
export const PER_KEY_OVERHEAD_BYTES = 64;

/** Fills batches in order; each closes when the next item would not fit (a lone item may exceed `maxBytes`). */
export class TxnBatcher<T> {
  #items: T[] = [];
  #bytes: number;

  constructor(
    private readonly maxItems: number,
    private readonly maxBytes: number,
    private readonly envelope = TXN_OVERHEAD_BYTES,
    private readonly perItem = PER_KEY_OVERHEAD_BYTES,
  ) {
    this.#bytes = envelope;
  }

  /** Adds an item of `size` bytes; returns the batch that adding it closed, if any. */
  add(item: T, size: number): T[] | undefined {
    const s = size + this.perItem;
    let closed: T[] | undefined;
    if (this.#items.length > 0 && (this.#items.length >= this.maxItems || this.#bytes + s > this.maxBytes)) closed = this.flush();
    this.#items.push(item);
    this.#bytes += s;
    return closed;
  }

  /** The open batch (undefined when empty); a new one starts. */
  flush(): T[] | undefined {
    if (this.#items.length === 0) return undefined;
    const out = this.#items;
    this.#items = [];
    this.#bytes = this.envelope;
    return out;
  }
}

/** Whether one key's write of `bytes` fits a request on its own. */
export const fitsAlone = (bytes: number, maxBytes: number): boolean => bytes + TXN_OVERHEAD_BYTES + PER_KEY_OVERHEAD_BYTES <= maxBytes;

/** All of `items` in batches (see TxnBatcher). */
export function batchesOf<T>(items: readonly T[], maxItems: number, maxBytes: number, size: (item: T) => number): T[][] {
  const b = new TxnBatcher<T>(maxItems, maxBytes);
  const out: T[][] = [];
  for (const item of items) {
    const closed = b.add(item, size(item));
    if (closed) out.push(closed);
  }
  const last = b.flush();
  if (last) out.push(last);
  return out;
}
