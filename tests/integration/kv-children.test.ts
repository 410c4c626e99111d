/**
 * `kv:children` on a real etcd: a folder's direct children by delimiter in round trips
 * proportional to the children (counted by the service and by etcd's own Range counter), on a
 * keyspace of 100,000 keys in 20 folders; paging, binary keys and delimiters, the root.
 */
import { EtcdSession } from '../../src/main/core/etcd/session';
import { putMany } from '../../src/main/core/etcd/bulk';
import { startCluster, type EtcdCluster } from '../support/etcd';
import { createHarness, unwrap, type Harness } from '../support/harness';
import { fromUint8, text, toUint8, type Bytes } from '../../src/shared/bytes';
import type { FolderChild } from '../../src/shared/types';

let etcd: EtcdCluster;
let h: Harness;
let profileId: string;

const FOLDERS = 20;
const PER_FOLDER = 5000;

beforeAll(async () => {
  etcd = await startCluster({ startTimeoutMs: 30_000, extraArgs: ['--metrics', 'extensive'] });
  const s = new EtcdSession({ endpoints: etcd.endpoints, deadlineMs: 60_000 });
  try {
    const entries = [];
    for (let f = 0; f < FOLDERS; f++) {
      for (let i = 0; i < PER_FOLDER; i++) entries.push({ key: Buffer.from(`t/f${String(f).padStart(2, '0')}/item-${String(i).padStart(5, '0')}`), value: Buffer.from('v') });
    }
    entries.push({ key: Buffer.from('t/direct-1'), value: Buffer.from('1') });
    entries.push({ key: Buffer.from('t/direct-2'), value: Buffer.from('2') });
    entries.push({ key: Buffer.from('t/f03/deep/x'), value: Buffer.from('x') });
    entries.push({ key: Buffer.from('t/'), value: Buffer.from('the folder key itself') });
    entries.push({ key: Buffer.from('u/outside'), value: Buffer.from('o') });
    await putMany(s, entries);
  } finally {
    s.close();
  }
  h = await createHarness();
  profileId = await h.connect({ name: 'tree', endpoints: etcd.endpoints, deadlineMs: 10_000 });
}, 120_000);
afterAll(async () => {
  await h?.close();
  await etcd?.close();
});

const label = (c: FolderChild): string => {
  const b: Bytes = c.kind === 'folder' ? c.prefix : c.key;
  return `${c.kind}:${Buffer.from(toUint8(b)).toString('latin1')}`;
};

/** etcd's own count of Range calls answered, from its /metrics. */
async function rangeCalls(): Promise<number> {
  const body = await (await fetch(`${etcd.members[0].clientUrl}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
  let sum = 0;
  for (const m of body.matchAll(/^grpc_server_handled_total\{[^}]*grpc_method="Range"[^}]*\} (\S+)$/gm)) sum += Number(m[1]);
  return sum;
}

/** Seconds etcd spent answering Range calls, from its /metrics (`--metrics extensive`). */
async function rangeSeconds(): Promise<number> {
  const body = await (await fetch(`${etcd.members[0].clientUrl}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
  let sum = 0;
  for (const m of body.matchAll(/^grpc_server_handling_seconds_sum\{[^}]*grpc_method="Range"[^}]*\} (\S+)$/gm)) sum += Number(m[1]);
  return sum;
}

describe('kv:children', () => {
  it('20 folders of 5,000 keys: the sub-folders and direct keys in key order, in round trips proportional to the children', async () => {
    const before = await rangeCalls();
    const secondsBefore = await rangeSeconds();
    const r = unwrap(await h.handlers['kv:children']({ profileId, folder: text('t/'), delimiter: text('/'), limit: 1000 }));
    const etcdCounted = (await rangeCalls()) - before;
    const etcdMs = ((await rangeSeconds()) - secondsBefore) * 1000;
    // Baseline, same cursors: reads open to the folder's end (one per sub-folder, as before the
    // windows), which etcd 3.4 answers by walking every key after the cursor.
    const s = new EtcdSession({ endpoints: etcd.endpoints, deadlineMs: 60_000 });
    const openBefore = await rangeSeconds();
    try {
      const cursors = [Buffer.from('t/'), ...Array.from({ length: FOLDERS }, (_, f) => Buffer.from(`t/f${String(f).padStart(2, '0')}0`))];
      for (const key of cursors) await s.run('read', () => s.rpc.rangeRaw({ key, end: Buffer.from('t0'), limit: 128, revision: 0, keysOnly: true }));
    } finally {
      s.close();
    }
    const openMs = ((await rangeSeconds()) - openBefore) * 1000;
    const folders = Array.from({ length: FOLDERS }, (_, f) => `folder:t/f${String(f).padStart(2, '0')}/`);
    expect(r.children.map(label)).toEqual(['key:t/', 'key:t/direct-1', 'key:t/direct-2', ...folders]);
    expect(r.more).toBe(false);
    // About one bounded read per sub-folder (its first key names it, the next read starts past it,
    // in a window sized from the gap before it), a few empty windows while the gaps are learned,
    // and the direct keys in pages of 128; etcd counted the same calls.
    console.log(
      `[kv:children] ${FOLDERS * PER_FOLDER} keys in ${FOLDERS} folders: ${r.children.length} children in ${r.roundTrips} round trips (etcd counted ${etcdCounted} Range calls), ` +
        `etcd-side ${etcdMs.toFixed(1)} ms; open-ended reads at the same ${FOLDERS + 1} cursors: ${openMs.toFixed(1)} ms (ratio ${(etcdMs / openMs).toFixed(2)})`,
    );
    expect(r.roundTrips).toBeLessThanOrEqual(2 * r.children.length + 8);
    expect(etcdCounted).toBe(r.roundTrips);
    const key = r.children[1];
    expect(key.kind === 'key' && key.modRevision > 0 && key.size === undefined).toBe(true);
  });

  it('pages: a limit stops at that many children and the cursor continues exactly after them', async () => {
    const seen: string[] = [];
    let cursor: Bytes | undefined;
    let revision: number | undefined;
    for (let round = 0; round < 10; round++) {
      const r = unwrap(
        await h.handlers['kv:children']({
          profileId,
          folder: text('t/'),
          delimiter: text('/'),
          limit: 7,
          ...(cursor ? { cursor } : {}),
          ...(revision ? { revision } : {}),
        }),
      );
      seen.push(...r.children.map(label));
      revision = r.revision;
      if (!r.more) break;
      expect(r.children).toHaveLength(7);
      cursor = r.nextCursor!;
    }
    expect(seen).toHaveLength(3 + FOLDERS);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('a sub-folder lists its own children; the root lists the top level; binary keys and a binary delimiter', async () => {
    const f3 = unwrap(await h.handlers['kv:children']({ profileId, folder: text('t/f03/'), delimiter: text('/'), limit: 3 }));
    expect(f3.children.map(label)).toEqual(['folder:t/f03/deep/', 'key:t/f03/item-00000', 'key:t/f03/item-00001']);
    expect(f3.more).toBe(true);
    const root = unwrap(await h.handlers['kv:children']({ profileId, folder: text(''), delimiter: text('/'), limit: 100 }));
    expect(root.children.map(label)).toEqual(['folder:t/', 'folder:u/']);

    const raw = (...b: number[]) => fromUint8(new Uint8Array(b));
    unwrap(await h.handlers['kv:put']({ profileId, key: raw(0xfe, 0x00, 0x01, 0x00, 0xff), value: text('a') }));
    unwrap(await h.handlers['kv:put']({ profileId, key: raw(0xfe, 0x00, 0x02), value: text('b') }));
    const bin = unwrap(await h.handlers['kv:children']({ profileId, folder: raw(0xfe, 0x00), delimiter: raw(0x00), limit: 10 }));
    expect(bin.children.map((c) => (c.kind === 'folder' ? `folder:${Buffer.from(toUint8(c.prefix)).toString('hex')}` : `key:${Buffer.from(toUint8(c.key)).toString('hex')}`))).toEqual([
      'folder:fe000100',
      'key:fe0002',
    ]);
  });
});
