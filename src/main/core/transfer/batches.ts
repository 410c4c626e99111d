import { TxnBatcher } from '../etcd/txn-batches';

/**
 * Groups a stream into batches of at most `maxItems` items and about `maxBytes` bytes (an item
 * larger than `maxBytes` gets a batch of its own), so each batch fits one transaction.
 */
export async function* inBatches<T>(items: AsyncIterable<T>, sizeOf: (item: T) => number, maxItems: number, maxBytes: number): AsyncGenerator<T[]> {
  const b = new TxnBatcher<T>(maxItems, maxBytes, 0, 0);
  for await (const item of items) {
    const closed = b.add(item, sizeOf(item));
    if (closed) yield closed;
  }
  const last = b.flush();
  if (last) yield last;
}
