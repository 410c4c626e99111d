/** The reads bulk operations share: named keys in read-only txns, a prefix's count. */
import type { IKeyValue, IRequestOp } from 'etcd3';
import { prefixEnd } from '../etcd/bytes';
import type { EtcdSession } from '../etcd/session';

/** etcd's request for every key under a prefix ('' = the whole keyspace). */
export function prefixRange(prefix: Buffer): { key: Buffer; range_end: Buffer } {
  return prefix.length === 0 ? { key: Buffer.from([0]), range_end: Buffer.from([0]) } : { key: prefix, range_end: prefixEnd(prefix) };
}

/** How many keys a prefix holds now, and at which revision. */
export function countPrefix(session: EtcdSession, prefix: Buffer): Promise<{ count: number; revision: number }> {
  return session.run('read', async () => {
    const res = await session.rpc.range({ ...prefixRange(prefix), count_only: true });
    return { count: Number(res.count), revision: Number(res.header.revision) };
  });
}

/** A named key as read: absent, or its metadata (and value when asked). */
export type NamedRead = { readonly key: Buffer; readonly kv?: IKeyValue };

/** Keys per read-only txn with values: etcd caps values at its request limit (1.5 MiB), so 64 stay well under the 256 MiB receive cap. */
const NAMED_WITH_VALUES = 64;
const NAMED_KEYS_ONLY = 128;

/**
 * Reads named keys at one revision (the first txn's, unless given), in read-only txns; keys
 * only, or with values until `valueBudget` bytes of values came back (then keys only).
 */
export async function readNamed(
  session: EtcdSession,
  keys: readonly Buffer[],
  opts: { readonly withValues: boolean; readonly revision?: number; readonly valueBudget?: number; readonly signal?: AbortSignal },
): Promise<{ revision: number; reads: NamedRead[]; valueBytes: number; valuesComplete: boolean }> {
  let revision = opts.revision ?? 0;
  let valueBytes = 0;
  let withValues = opts.withValues;
  const reads: NamedRead[] = [];
  for (let i = 0; i < keys.length; ) {
    if (opts.signal?.aborted) break;
    const n = withValues ? NAMED_WITH_VALUES : NAMED_KEYS_ONLY;
    const part = keys.slice(i, i + n);
    const success: IRequestOp[] = part.map((key) => ({ request_range: { key, keys_only: !withValues, ...(revision ? { revision } : {}) } }));
    const res = await session.run('read', () => session.rpc.txn({ compare: [], success, failure: [] }));
    if (!revision) revision = Number(res.header.revision);
    part.forEach((key, j) => {
      const kv = res.responses[j]?.response_range?.kvs[0];
      if (kv && withValues) valueBytes += kv.value.length;
      reads.push(kv ? { key, kv } : { key });
    });
    i += part.length;
    if (withValues && opts.valueBudget !== undefined && valueBytes > opts.valueBudget) withValues = false;
  }
  return { revision, reads, valueBytes, valuesComplete: withValues };
}
