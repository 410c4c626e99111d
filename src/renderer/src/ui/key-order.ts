/** etcd orders keys by their bytes; these compare keys the same way, whatever their encoding. */
import type { Bytes } from '../../../shared/bytes';
import { toUint8 } from '../../../shared/bytes';

export function compareKeys(a: Bytes, b: Bytes): number {
  if (a.encoding === 'utf8' && b.encoding === 'utf8') {
    // Fast path for ASCII: code unit order equals byte order.
    if (/^[\x00-\x7f]*$/.test(a.data) && /^[\x00-\x7f]*$/.test(b.data)) return a.data < b.data ? -1 : a.data > b.data ? 1 : 0;
  }
  const x = toUint8(a);
  const y = toUint8(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

export const sameKey = (a: Bytes | null | undefined, b: Bytes | null | undefined): boolean =>
  !!a && !!b && (a.encoding === b.encoding ? a.data === b.data : compareKeys(a, b) === 0);
