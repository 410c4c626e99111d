/**
 * Splitting per-key work into transactions etcd accepts: at most `ops` keys (etcd's default
 * --max-txn-ops is 128 per compare list and per branch: a move, two ops per key, takes 64) and a
 * request under the session's maxRequestBytes.
 */

/** Room for the txn envelope; and per key, tags and lengths of its compares and ops. */
const TXN_OVERHEAD_BYTES = 512;
export const PER_KEY_OVERHEAD_BYTES = 64;

/** Groups items in order: each group has at most `maxItems` and its `size`s sum to at most `maxBytes` (a lone item may exceed it). */
export function batchesOf<T>(items: readonly T[], maxItems: number, maxBytes: number, size: (item: T) => number): T[][] {
  const out: T[][] = [];
  let cur: T[] = [];
  let bytes = TXN_OVERHEAD_BYTES;
  for (const item of items) {
    const s = size(item) + PER_KEY_OVERHEAD_BYTES;
    if (cur.length > 0 && (cur.length >= maxItems || bytes + s > maxBytes)) {
      out.push(cur);
      cur = [];
      bytes = TXN_OVERHEAD_BYTES;
    }
    cur.push(item);
    bytes += s;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

/** Whether one key's write fits a request on its own. */
export const fitsAlone = (bytes: number, maxBytes: number): boolean => bytes + TXN_OVERHEAD_BYTES + PER_KEY_OVERHEAD_BYTES <= maxBytes;
