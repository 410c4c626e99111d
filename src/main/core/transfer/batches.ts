/**
 * Groups a stream into batches of at most `maxItems` items and about `maxBytes` bytes (an item
 * larger than `maxBytes` gets a batch of its own), so each batch fits one transaction.
 */
export async function* inBatches<T>(items: AsyncIterable<T>, sizeOf: (item: T) => number, maxItems: number, maxBytes: number): AsyncGenerator<T[]> {
  let batch: T[] = [];
  let bytes = 0;
  for await (const item of items) {
    const size = sizeOf(item);
    if (batch.length > 0 && (batch.length >= maxItems || bytes + size > maxBytes)) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(item);
    bytes += size;
  }
  if (batch.length > 0) yield batch;
}
