/**
 * What etcd holds for a batch of keys, read in one read-only transaction (one Range per key, at
 * most 128: etcd's default --max-txn-ops), all at one revision.
 */
import type { EtcdSession } from '../etcd/session';

export interface Current {
  readonly value: Buffer;
  readonly modRevision: number;
}

/** The keys' current values and mod revisions (undefined: absent) at `revision` (0: latest), and the revision read at. */
export async function readState(session: EtcdSession, keys: readonly Buffer[], revision: number): Promise<{ revision: number; state: (Current | undefined)[] }> {
  const res = await session.run('read', () =>
    session.rpc.txn({ compare: [], success: keys.map((key) => ({ request_range: { key, ...(revision > 0 ? { revision } : {}) } })), failure: [] }),
  );
  const state = res.responses.map((r) => {
    const kv = r.response_range?.kvs[0];
    return kv ? { value: kv.value ?? Buffer.alloc(0), modRevision: Number(kv.mod_revision) } : undefined;
  });
  return { revision: revision > 0 ? revision : Number(res.header.revision), state };
}
