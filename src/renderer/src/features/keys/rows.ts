/** The loaded rows of a listing: sorted by key bytes, as etcd returns them. */
import type { Bytes } from '../../../../shared/bytes';
import { displayBytes, text, toUint8 } from '../../../../shared/bytes';
import type { KeyEntry, KeyValue } from '../../../../shared/types';
import { compareKeys } from '../../ui/key-order';

/** Bytes of each value the listing sends for previews. */
export const PREVIEW_BYTES = 160;

/** Index of the first row whose key is >= `key`. */
export function lowerBound(items: readonly KeyEntry[], key: Bytes): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareKeys(items[mid].key, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function entryFromKeyValue(kv: KeyValue): KeyEntry {
  const preview: Bytes = kv.value.encoding === 'utf8' ? text(kv.value.data.slice(0, PREVIEW_BYTES)) : kv.value;
  return {
    key: kv.key,
    createRevision: kv.createRevision,
    modRevision: kv.modRevision,
    version: kv.version,
    lease: kv.lease,
    size: kv.size,
    preview,
    truncated: kv.value.encoding === 'utf8' && kv.value.data.length > PREVIEW_BYTES,
  };
}

/** Quick filter: case-insensitive substring of the key as displayed. */
export function filterEntries(items: readonly KeyEntry[], filter: string): readonly KeyEntry[] {
  const f = filter.trim().toLowerCase();
  if (!f) return items;
  return items.filter((e) => displayBytes(e.key, Infinity).toLowerCase().includes(f));
}

export function startsWithPrefix(key: Bytes, prefix: string): boolean {
  if (!prefix) return true;
  if (key.encoding === 'utf8') return key.data.startsWith(prefix);
  const k = toUint8(key);
  const p = toUint8(text(prefix));
  return p.length <= k.length && p.every((v, i) => v === k[i]);
}
