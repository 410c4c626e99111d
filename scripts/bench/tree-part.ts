/**
 * Bench part `tree`: expanding a Kubernetes-shaped folder with kv:children's bounded windows,
 * against the same walk with reads open to the folder's end (what kv:children did first), at the
 * same cursors. Prints round trips, wall time and etcd-side Range time (from the member's
 * /metrics, `--metrics extensive`; absent on a cluster started without it).
 */
import { putMany, type BulkEntry } from '../../src/main/core/etcd/bulk';
import { prefixEnd } from '../../src/main/core/etcd/bytes';
import { readRangeRaw } from '../../src/main/core/etcd/scan';
import type { EtcdSession } from '../../src/main/core/etcd/session';
import { folderChildren } from '../../src/main/core/etcd/tree';
import { text, toUint8 } from '../../src/shared/bytes';
import { median, now, type Row } from './util';

const RESOURCES = 50;
const NAMESPACES = 20;

export interface TreePartOptions {
  readonly session: EtcdSession;
  /** Keys to write under `<prefix>registry/`. */
  readonly keys: number;
  readonly prefix: string;
  readonly rounds: number;
  /** A member's /metrics URL, for etcd-side time. */
  readonly metricsUrl?: string;
}

async function rangeSeconds(url: string | undefined): Promise<number | undefined> {
  if (!url) return undefined;
  try {
    const body = await (await fetch(url, { signal: AbortSignal.timeout(5000) })).text();
    let sum: number | undefined;
    for (const m of body.matchAll(/^grpc_server_handling_seconds_sum\{[^}]*grpc_method="Range"[^}]*\} (\S+)$/gm)) sum = (sum ?? 0) + Number(m[1]);
    return sum;
  } catch {
    return undefined;
  }
}

export async function treePart(o: TreePartOptions): Promise<{ rows: Row[]; results: Record<string, unknown> }> {
  const s = o.session;
  const folder = `${o.prefix}registry/`;
  const perFolder = Math.max(1, Math.floor(o.keys / (RESOURCES * NAMESPACES)));
  for (let r = 0; r < RESOURCES; r++) {
    const chunk: BulkEntry[] = [];
    for (let n = 0; n < NAMESPACES; n++) {
      for (let i = 0; i < perFolder; i++) chunk.push({ key: Buffer.from(`${folder}res-${r}/ns-${n}/obj-${i}`), value: Buffer.from('v') });
    }
    await putMany(s, chunk);
  }
  const total = RESOURCES * NAMESPACES * perFolder;
  const windowed: number[] = [];
  const open: number[] = [];
  const windowedEtcd: number[] = [];
  const openEtcd: number[] = [];
  let trips = 0;
  let children = 0;
  for (let round = 0; round < o.rounds; round++) {
    let e0 = await rangeSeconds(o.metricsUrl);
    let t = now();
    const r = await folderChildren(s, { profileId: 'bench', folder: text(folder), delimiter: text('/'), limit: 1000 });
    windowed.push(now() - t);
    let e1 = await rangeSeconds(o.metricsUrl);
    if (e0 !== undefined && e1 !== undefined) windowedEtcd.push((e1 - e0) * 1000);
    trips = r.roundTrips;
    children = r.children.length;
    if (children !== RESOURCES) throw new Error(`expected ${RESOURCES} folders, got ${children}`);
    // The same cursors, each read open to the folder's end.
    const end = prefixEnd(Buffer.from(folder));
    const cursors = [Buffer.from(folder), ...r.children.map((c) => prefixEnd(Buffer.from(toUint8(c.kind === 'folder' ? c.prefix : c.key))))];
    e0 = await rangeSeconds(o.metricsUrl);
    t = now();
    for (const key of cursors) await s.run('read', () => readRangeRaw(s, { key, end, limit: 128, revision: r.revision, keysOnly: true }));
    open.push(now() - t);
    e1 = await rangeSeconds(o.metricsUrl);
    if (e0 !== undefined && e1 !== undefined) openEtcd.push((e1 - e0) * 1000);
  }
  const rows: Row[] = [
    {
      figure: `expand a folder of ${RESOURCES} sub-folders over ${total} keys (kv:children, ${trips} round trips)`,
      value: median(windowed),
      unit: 'ms',
      baseline: median(open),
      ratio: median(windowed) / median(open),
    },
  ];
  if (windowedEtcd.length > 0 && openEtcd.length > 0) {
    rows.push({ figure: `  etcd-side Range time (baseline: ${RESOURCES + 1} reads open to the folder's end)`, value: median(windowedEtcd), unit: 'ms', baseline: median(openEtcd), ratio: median(windowedEtcd) / median(openEtcd) });
  }
  return {
    rows,
    results: {
      tree_keys: total,
      tree_children: children,
      tree_round_trips: trips,
      tree_expand_ms_median: median(windowed),
      tree_open_ended_ms_median: median(open),
      ...(windowedEtcd.length ? { tree_etcd_ms_median: median(windowedEtcd), tree_open_ended_etcd_ms_median: median(openEtcd) } : {}),
    },
  };
}
