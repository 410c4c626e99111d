/**
 * The benchmark: the app's core against etcdctl on the same etcd and data, in the same run.
 *
 *   npm run bench -- --keys 100000 --value-size 100 --parts list,values,first-page,previews,bulk,memory --rounds 5 [--endpoints URL]
 *   (previews: --preview-keys 2000 --preview-value-size 102400)
 *
 * Without --endpoints it starts its own single-member etcd on free 127.0.0.1 ports (temp data
 * dir, --quota-backend-bytes 8 GiB so 1M keys fit) and removes it at the end, also on Ctrl+C.
 * With --endpoints it uses that cluster, writes under a prefix of its own and deletes it at the
 * end (the listings then also include whatever else the cluster holds, for both sides).
 *
 * Parts (all figures are medians over --rounds unless said otherwise):
 *   list        full keyspace, keys only: core scan (src/main/core/etcd/scan.ts) turning every key into
 *               the `Bytes` the renderer gets, vs `etcdctl get "" --prefix --keys-only` (process
 *               start, one Range, printing into a pipe we drain). Plus, once, the plain paging of
 *               10 000-key pages with an open range_end (what the core did before).
 *   values      the same with values (core: key and value as Bytes) vs `etcdctl get "" --prefix`.
 *   first-page  new session -> status call (as connect does) -> first list page of 500 with count
 *               and previews (as the renderer asks); and, on a warm session, the list call with and
 *               without count, a count alone, the next page; baseline `etcdctl get "" --prefix --limit=500`.
 *   bulk        the seed itself: N keys through putMany (txns of 128 puts, 8 in flight), vs one put
 *               per key (8 in flight) on a subset, as keys/s.
 *   memory      a separate process lists every key page by page like the app (KvService.list, 500 a
 *               page with previews, each page structured-cloned as for IPC and dropped) and reports
 *               peak minus baseline of RSS and heap (process.memoryUsage() every 20 ms and per page).
 *   tree        expanding a folder of 50 sub-folders (Kubernetes-shaped, --keys keys below them) with
 *               kv:children's bounded windows vs reads open to the folder's end at the same cursors:
 *               round trips, wall time and etcd-side Range time (own etcd runs --metrics extensive).
 *   seek        jump to the end of the whole keyspace: kv:seek (src/main/core/etcd/seek.ts, count-only
 *               probes over bounded windows, last 100 keys) vs the naive unbounded descending Range
 *               with `limit 100`, which etcd 3.4 answers by reading and sorting the whole range; wall
 *               time, round trips and etcd's own CPU time for each.
 *   grid        the real renderer in Chromium (/usr/bin/chromium or CHROMIUM_PATH) with the preload
 *               replaced by the end-to-end bridge: connect → first rows painted, DOM rows, frame
 *               times of a fling (10 rows a frame) at the top and at the bottom after walking
 *               every page (scripts/grid-bench.ts). Builds the renderer if out/ is missing.
 *   transfer    export N keys to a file vs `etcdctl get -w json`; import (dry run, then CAS apply)
 *               of N new keys vs plain putMany, as keys/s (scripts/bench/transfer.ts). Not in the
 *               default parts: `--parts transfer`.
 *
 * Prints one table and writes bench/results/latest.json (override with --out).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { prefixEnd } from '../src/main/core/etcd/bytes';
import { putMany, type BulkEntry } from '../src/main/core/etcd/bulk';
import { KvService } from '../src/main/core/etcd/kv';
import { readRangeRaw, scan, type ScanOptions } from '../src/main/core/etcd/scan';
import { seek } from '../src/main/core/etcd/seek';
import { EtcdSession } from '../src/main/core/etcd/session';
import { text } from '../src/shared/bytes';
import type { Page } from '../src/shared/types';
import { findEtcdBinary, startCluster, type EtcdCluster } from './etcd-launcher';
import { measureGrid } from './grid-bench';
import { treePart } from './bench/tree-part';
import { benchTransfer } from './bench/transfer';
import {
  killChildren,
  machineInfo,
  median,
  now,
  printTable,
  procCpuMs,
  round1,
  runEtcdctl,
  selfCpuMs,
  trackChild,
  type CtlRun,
  type Row,
} from './bench/util';

const ALL_PARTS = ['list', 'values', 'first-page', 'previews', 'bulk', 'memory', 'grid', 'tree', 'transfer', 'seek'] as const;
type Part = (typeof ALL_PARTS)[number];

const { values: opt } = parseArgs({
  options: {
    keys: { type: 'string', default: '100000' },
    'value-size': { type: 'string', default: '100' },
    parts: { type: 'string', default: 'list,values,first-page,previews,bulk,memory,grid' },
    'preview-keys': { type: 'string', default: '2000' },
    'preview-value-size': { type: 'string', default: '102400' },
    rounds: { type: 'string', default: '5' },
    endpoints: { type: 'string' },
    'key-shape': { type: 'string', default: 'padded' },
    concurrency: { type: 'string' },
    'page-keys': { type: 'string' },
    'single-keys': { type: 'string', default: '5000' },
    'open-baseline': { type: 'string', default: 'yes' },
    out: { type: 'string', default: path.join('bench', 'results', 'latest.json') },
  },
  allowPositionals: false,
});

const N = Number(opt.keys);
const VALUE_SIZE = Number(opt['value-size']);
const ROUNDS = Math.max(1, Number(opt.rounds));
const parts = new Set(opt.parts!.split(',').map((p) => p.trim()).filter(Boolean) as Part[]);
for (const p of parts) if (!ALL_PARTS.includes(p)) throw new Error(`unknown part "${p}" (parts: ${ALL_PARTS.join(', ')})`);
const SHAPE = opt['key-shape'] as 'padded' | 'nested';
if (SHAPE !== 'padded' && SHAPE !== 'nested') throw new Error('--key-shape is padded or nested');
const SCAN_OPTS: ScanOptions = {
  ...(opt.concurrency ? { concurrency: Number(opt.concurrency) } : {}),
  ...(opt['page-keys'] ? { pageKeys: Number(opt['page-keys']) } : {}),
};
const MB = 2 ** 20;

// ---------------------------------------------------------------------------------------------
// Lifecycle: nothing may survive us (cluster, data, children), also on Ctrl+C.

let cluster: EtcdCluster | undefined;
let session: EtcdSession | undefined;
let ownPrefix = ''; // with --endpoints: everything we write is under it
let cleaned: Promise<void> | undefined;
let interrupted = false;

function cleanup(): Promise<void> {
  cleaned ??= (async () => {
    killChildren();
    if (session && !cluster && ownPrefix) {
      // Someone else's cluster: delete what we wrote.
      const key = Buffer.from(ownPrefix);
      const s = session;
      await s.run('write', () => s.rpc.txn({ success: [{ request_delete_range: { key, range_end: prefixEnd(key) } }] })).catch((e: unknown) => {
        console.error(`could not delete ${ownPrefix}*: ${String(e)}`);
      });
    }
    session?.close();
    await cluster?.close();
  })();
  return cleaned;
}

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    interrupted = true;
    console.error(`\n${sig}: stopping etcd and removing its data...`);
    void cleanup().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
  });
}


// ---------------------------------------------------------------------------------------------
// Data

const KINDS = ['pods', 'services', 'configmaps', 'secrets', 'deployments'];
function keyOf(i: number): string {
  if (SHAPE === 'padded') return `${ownPrefix}bench/${String(i).padStart(9, '0')}`;
  // Realistic, uneven: /registry/<kind>/<namespace>/<name>, unpadded numbers.
  return `${ownPrefix}registry/${KINDS[i % 5]}/ns-${(i >> 3) % 50}/item-${i}`;
}

function valueOf(i: number): Buffer {
  const v = Buffer.alloc(VALUE_SIZE, 'x');
  v.write(`v${i}:`, 0, 'latin1');
  return v;
}

function entries(from: number, to: number, keyFn: (i: number) => string = keyOf): BulkEntry[] {
  const out: BulkEntry[] = [];
  for (let i = from; i < to; i++) out.push({ key: Buffer.from(keyFn(i)), value: valueOf(i) });
  return out;
}

// ---------------------------------------------------------------------------------------------

interface Results {
  [k: string]: unknown;
}

async function main(): Promise<void> {
  const started = new Date().toISOString();
  const results: Results = { schema: 1, started_at: started };
  const rows: Row[] = [];
  results.machine = machineInfo();
  const bin = findEtcdBinary();
  const etcdctl = bin.etcdctl ?? 'etcdctl';

  let endpoints: string[];
  if (opt.endpoints) {
    endpoints = opt.endpoints.split(',');
    ownPrefix = `etcd-desktop-bench-${process.pid}-${Date.now()}/`;
  } else {
    cluster = await startCluster({ extraArgs: ['--quota-backend-bytes', String(8 * 2 ** 30), '--metrics', 'extensive'], log: 'buffer' });
    endpoints = cluster.endpoints;
  }
  const etcdPid = cluster?.members[0]?.pid; // to read the server's CPU time (local etcd only)
  session = new EtcdSession({ endpoints, deadlineMs: 120_000 });
  const s = session;
  const status = await s.run('read', () => s.rpc.status());
  const ctlVersion = await runCapture(etcdctl, ['version']);
  Object.assign(results.machine as object, {
    etcd_version: status.version,
    etcdctl_version: /etcdctl version: (\S+)/.exec(ctlVersion)?.[1] ?? ctlVersion.trim().split('\n')[0],
    etcd: cluster ? `own single member on ${endpoints[0]}, --quota-backend-bytes 8GiB` : `given: ${endpoints.join(',')}`,
  });
  Object.assign(results, {
    keys: N,
    value_size_bytes: VALUE_SIZE,
    key_shape: SHAPE,
    rounds: ROUNDS,
    parts: [...parts],
    key_example: keyOf(Math.min(N - 1, 12345)),
  });
  const m = results.machine as Record<string, unknown>;
  console.log(
    `etcd-desktop bench: ${N} keys x ${VALUE_SIZE} B values (${SHAPE}), ${ROUNDS} rounds; ` +
      `${m.cpus} cpus, node ${m.node_version}, etcd ${status.version}, load ${(m.load_avg_at_start as number[]).join(' ')}`,
  );

  // -------- seed = bulk put
  const needData = ['list', 'values', 'first-page', 'bulk', 'memory', 'seek', 'grid'].some((p) => parts.has(p as Part));
  if (needData) {
    const CHUNK = 100_000; // never hold all N entries at once (keeps the memory part honest too)
    let putMs = 0;
    let genMs = 0;
    let batches = 0;
    for (let from = 0; from < N; from += CHUNK) {
      let t = now();
      const chunk = entries(from, Math.min(N, from + CHUNK));
      genMs += now() - t;
      t = now();
      const r = await putMany(s, chunk);
      putMs += now() - t;
      batches += r.batches;
    }
    const kps = N / (putMs / 1000);
    Object.assign(results, { bulk_put_ms: Math.round(putMs), bulk_put_keys_per_s: Math.round(kps), bulk_put_txns: batches, seed_generate_ms: Math.round(genMs) });
    console.log(`seeded ${N} keys in ${Math.round(putMs)} ms (${Math.round(kps)} keys/s, ${batches} txns; generating them ${Math.round(genMs)} ms)`);
  }

  // -------- list (keys only) and values
  for (const part of ['list', 'values'] as const) {
    if (!parts.has(part)) continue;
    const keysOnly = part === 'list';
    const ctlArgs = keysOnly ? ['get', '', '--prefix', '--keys-only'] : ['get', '', '--prefix'];
    const core: number[] = [];
    const ctl: number[] = [];
    const coreCpu: number[] = [];
    const coreServerCpu: number[] = [];
    const ctlServerCpu: number[] = [];
    let stats: Awaited<ReturnType<typeof scan>> | undefined;
    let ctlRun: CtlRun | undefined;
    for (let r = 0; r < ROUNDS; r++) {
      const runCtl = async (): Promise<void> => {
        const srv = procCpuMs(etcdPid);
        ctlRun = await runEtcdctl(etcdctl, endpoints, ctlArgs);
        if (ctlRun.code !== 0) throw new Error(`etcdctl failed: ${ctlRun.stderr}`);
        ctl.push(ctlRun.ms);
        if (srv !== undefined) ctlServerCpu.push(procCpuMs(etcdPid)! - srv);
      };
      const runCore = async (): Promise<void> => {
        const srv = procCpuMs(etcdPid);
        const cpu = selfCpuMs();
        const t = now();
        let sink = 0;
        stats = await scan(s, { ...SCAN_OPTS, keysOnly }, (page) => {
          if (keysOnly) {
            sink += page.keys().length;
          } else {
            for (let i = 0; i < page.length; i++) {
              page.keyBytes(i);
              page.valueBytes(i);
              sink++;
            }
          }
        });
        core.push(now() - t);
        coreCpu.push(selfCpuMs() - cpu);
        if (srv !== undefined) coreServerCpu.push(procCpuMs(etcdPid)! - srv);
        if (sink !== stats.total || stats.keys !== stats.total) throw new Error(`scan saw ${sink} keys, etcd counted ${stats.total}`);
      };
      // Alternate who goes first, so neither always runs on a warmer (or busier) machine.
      if (r % 2 === 0) {
        await runCtl();
        await runCore();
      } else {
        await runCore();
        await runCtl();
      }
    }
    const name = keysOnly ? 'list_keys_only' : 'list_values';
    const ratio = median(core) / median(ctl);
    Object.assign(results, {
      [`${name}_core_ms_median`]: round1(median(core)),
      [`${name}_core_ms_all`]: core.map(Math.round),
      [`${name}_etcdctl_ms_median`]: round1(median(ctl)),
      [`${name}_etcdctl_ms_all`]: ctl.map(Math.round),
      [`${name}_ratio_core_to_etcdctl`]: round1(ratio * 100) / 100,
      [`${name}_core_client_cpu_ms_median`]: Math.round(median(coreCpu)),
      ...(coreServerCpu.length
        ? { [`${name}_core_server_cpu_ms_median`]: Math.round(median(coreServerCpu)), [`${name}_etcdctl_server_cpu_ms_median`]: Math.round(median(ctlServerCpu)) }
        : {}),
      [`${name}_core_keys`]: stats!.keys,
      [`${name}_core_requests`]: stats!.requests,
      [`${name}_core_pages`]: stats!.pages,
      [`${name}_core_response_mb`]: round1(stats!.bytes / MB),
      [`${name}_etcdctl_output_mb`]: round1(ctlRun!.bytes / MB),
    });
    rows.push({
      figure: `${keysOnly ? 'keys-only listing' : 'listing with values'}, ${stats!.keys} keys (core scan vs etcdctl)`,
      value: median(core),
      unit: 'ms',
      baseline: median(ctl),
      ratio,
      ...(keysOnly ? { target: '≤ 1.0× etcdctl', met: ratio <= 1.0 } : {}),
    });
    if (keysOnly && opt['open-baseline'] !== 'no') {
      // What plain paging costs: 10 000-key pages, each from the last key to the end of the range.
      const t = now();
      const open = await openPaging(s, 10_000);
      const ms = now() - t;
      Object.assign(results, { list_keys_only_open_paging_ms: Math.round(ms), list_keys_only_open_paging_requests: open.requests });
      rows.push({ figure: '  (before) keys-only, 10k pages to range end, 1 round', value: ms, unit: 'ms', baseline: median(ctl), ratio: ms / median(ctl) });
    }
  }

  // -------- first page
  if (parts.has('first-page')) {
    const PAGE = 500;
    const PREVIEW = 160;
    const afterConnect: number[] = [];
    const listPart: number[] = [];
    const warmWithCount: number[] = [];
    const warmNoCount: number[] = [];
    const countOnly: number[] = [];
    const nextPage: number[] = [];
    const ctl: number[] = [];
    const firstServerCpu: number[] = [];
    const firstClientCpu: number[] = [];
    const kv = new KvService(s);
    const first = (k: KvService, count: boolean): Promise<Page> =>
      k.list({ profileId: 'bench', prefix: text(''), limit: PAGE, count, previewBytes: PREVIEW });
    for (let r = 0; r < ROUNDS; r++) {
      // A new session, connected as the app connects (status call), then the renderer's first page.
      const t0 = now();
      const fresh = new EtcdSession({ endpoints, deadlineMs: 30_000 });
      try {
        await fresh.run('read', () => fresh.rpc.status());
        const t1 = now();
        const page = await first(new KvService(fresh), true);
        const t2 = now();
        if (page.items.length !== Math.min(PAGE, N) || page.count === undefined) throw new Error('bad first page');
        afterConnect.push(t2 - t0);
        listPart.push(t2 - t1);
      } finally {
        fresh.close();
      }
      let t = now();
      const srv = procCpuMs(etcdPid);
      const cpu = selfCpuMs();
      const p1 = await first(kv, true);
      warmWithCount.push(now() - t);
      if (srv !== undefined) firstServerCpu.push(procCpuMs(etcdPid)! - srv);
      firstClientCpu.push(selfCpuMs() - cpu);
      t = now();
      await first(kv, false);
      warmNoCount.push(now() - t);
      t = now();
      await kv.count({ profileId: 'bench', prefix: text('') });
      countOnly.push(now() - t);
      if (p1.nextCursor) {
        t = now();
        await kv.list({ profileId: 'bench', prefix: text(''), limit: PAGE, cursor: p1.nextCursor, revision: p1.revision, previewBytes: PREVIEW });
        nextPage.push(now() - t);
      }
      const c = await runEtcdctl(etcdctl, endpoints, ['get', '', '--prefix', `--limit=${PAGE}`]);
      ctl.push(c.ms);
    }
    const v = median(afterConnect);
    Object.assign(results, {
      first_page_after_connect_ms_median: round1(v),
      first_page_after_connect_ms_all: afterConnect.map(round1),
      first_page_list_call_after_connect_ms_median: round1(median(listPart)),
      first_page_list_call_with_count_ms_median: round1(median(warmWithCount)),
      first_page_list_call_without_count_ms_median: round1(median(warmNoCount)),
      first_page_list_call_client_cpu_ms_median: round1(median(firstClientCpu)),
      ...(firstServerCpu.length ? { first_page_list_call_server_cpu_ms_median: round1(median(firstServerCpu)) } : {}),
      count_only_whole_keyspace_ms_median: round1(median(countOnly)),
      next_page_ms_median: round1(median(nextPage)),
      first_page_etcdctl_limit_500_ms_median: round1(median(ctl)),
    });
    rows.push({
      figure: `first page after connect (new session, 500 + count), ${N} keys`,
      value: v,
      unit: 'ms',
      baseline: median(ctl),
      ratio: v / median(ctl),
      target: '≤ 50 ms (at 1M)',
      met: v <= 50,
    });
    rows.push({
      figure: `  list call with count (warm session)${firstServerCpu.length ? `; etcd CPU ${Math.round(median(firstServerCpu))} ms, ours ${Math.round(median(firstClientCpu))} ms` : ''}`,
      value: median(warmWithCount),
      unit: 'ms',
    });
    rows.push({ figure: '  list call without count (warm session)', value: median(warmNoCount), unit: 'ms' });
    rows.push({ figure: '  count only, whole keyspace', value: median(countOnly), unit: 'ms' });
    rows.push({ figure: '  next page (cursor, pinned revision)', value: median(nextPage), unit: 'ms' });
  }

  // -------- a page with big values: keys-only + previews of a screenful (the grid since issue 12)
  //          against the page with its values (the grid before), same data, same run
  if (parts.has('previews')) {
    const KEYS = Number(opt['preview-keys']);
    const SIZE = Number(opt['preview-value-size']);
    const PAGE = 500;
    const SCREEN = 40;
    const prefix = `${ownPrefix}previews/`;
    const big = Buffer.alloc(SIZE, 0x61);
    for (let from = 0; from < KEYS; from += 1000) {
      const chunk: BulkEntry[] = [];
      for (let i = from; i < Math.min(KEYS, from + 1000); i++) chunk.push({ key: Buffer.from(`${prefix}${String(i).padStart(7, '0')}`), value: big });
      await putMany(s, chunk);
    }
    const kv = new KvService(s);
    const withValues: number[] = [];
    const keysOnly: number[] = [];
    const previews: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      let t = now();
      const full = await kv.list({ profileId: 'bench', prefix: text(prefix), limit: PAGE, previewBytes: 160 });
      withValues.push(now() - t);
      t = now();
      const page = await kv.list({ profileId: 'bench', prefix: text(prefix), limit: PAGE, keysOnly: true });
      keysOnly.push(now() - t);
      t = now();
      const seen = await kv.previews({ profileId: 'bench', keys: page.items.slice(0, SCREEN).map((e) => e.key), revision: page.revision, previewBytes: 160 });
      previews.push(now() - t);
      if (full.items.length !== Math.min(PAGE, KEYS) || seen.items.length !== Math.min(SCREEN, KEYS)) throw new Error('bad previews page');
    }
    const before = median(withValues);
    const after = median(keysOnly) + median(previews);
    Object.assign(results, {
      previews_keys: KEYS,
      previews_value_size_bytes: SIZE,
      previews_page_with_values_ms_median: round1(before),
      previews_keys_only_page_ms_median: round1(median(keysOnly)),
      previews_screenful_ms_median: round1(median(previews)),
    });
    rows.push({
      figure: `page of ${PAGE} keys-only + previews of ${SCREEN} rows, ${KEYS} keys x ${Math.round(SIZE / 1024)} KB`,
      value: after,
      unit: 'ms',
      baseline: before,
      ratio: after / before,
    });
    rows.push({ figure: `  keys-only page (${PAGE} rows)`, value: median(keysOnly), unit: 'ms' });
    rows.push({ figure: `  previews of ${SCREEN} rows (~${((SCREEN * SIZE) / MB).toFixed(1)} MB read)`, value: median(previews), unit: 'ms' });
    rows.push({ figure: `  baseline: the page with values (~${((PAGE * SIZE) / MB).toFixed(0)} MB read)`, value: before, unit: 'ms' });
  }

  // -------- tree: a folder's children by delimiter
  if (parts.has('tree')) {
    const t = await treePart({ session: s, keys: N, prefix: `${ownPrefix}tree/`, rounds: ROUNDS, metricsUrl: cluster ? `${cluster.members[0].clientUrl}/metrics` : undefined });
    Object.assign(results, t.results);
    rows.push(...t.rows);
  }

  // -------- memory (own process)
  if (parts.has('memory')) {
    const mem = await runChild({ endpoints, mode: 'list' });
    Object.assign(results, {
      memory_rss_growth_mb: mem.rss_growth_mb,
      memory_heap_growth_mb: mem.heap_growth_mb,
      memory_external_growth_mb: mem.external_growth_mb,
      memory_rss_baseline_mb: mem.rss_baseline_mb,
      memory_rss_peak_mb: mem.rss_peak_mb,
      memory_listing_keys: mem.keys,
      memory_listing_pages: mem.pages,
      memory_listing_ms: mem.ms,
      memory_listing_page_ms_median: mem.page_ms_median,
      memory_listing_page_ms_max: mem.page_ms_max,
    });
    rows.push({
      figure: `RSS growth listing ${mem.keys} keys, pages of 500 (app path)`,
      value: Number(mem.rss_growth_mb),
      unit: 'MB',
      target: '≤ 150 MB (at 1M)',
      met: Number(mem.rss_growth_mb) <= 150,
    });
    rows.push({ figure: '  heap growth, same run', value: Number(mem.heap_growth_mb), unit: 'MB' });
    rows.push({ figure: `  time for all ${mem.pages} pages (median page ${mem.page_ms_median} ms, max ${mem.page_ms_max} ms)`, value: Number(mem.ms), unit: 'ms' });
    // The "load everything" path: the scan with big pages, keys as Bytes, each page cloned and dropped.
    const scanMem = await runChild({ endpoints, mode: 'scan' });
    Object.assign(results, {
      memory_scan_rss_growth_mb: scanMem.rss_growth_mb,
      memory_scan_heap_growth_mb: scanMem.heap_growth_mb,
      memory_scan_ms: scanMem.ms,
    });
    rows.push({ figure: `  RSS growth, keys-only scan of ${scanMem.keys} keys (big pages)`, value: Number(scanMem.rss_growth_mb), unit: 'MB' });
  }

  // -------- bulk vs one put per key
  if (parts.has('bulk')) {
    const S = Math.min(Number(opt['single-keys']), N);
    const single = entries(0, S, (i) => `${ownPrefix}single/${String(i).padStart(9, '0')}`);
    let next = 0;
    const t = now();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < single.length) {
          const e = single[next++];
          await s.run('write', () => s.rpc.txn({ success: [{ request_put: { key: e.key, value: e.value } }] }));
        }
      }),
    );
    const singleMs = now() - t;
    const singleKps = S / (singleMs / 1000);
    const bulkKps = results.bulk_put_keys_per_s as number;
    const ratio = bulkKps / singleKps;
    Object.assign(results, {
      single_put_keys: S,
      single_put_ms: Math.round(singleMs),
      single_put_keys_per_s: Math.round(singleKps),
      bulk_to_single_ratio: round1(ratio),
    });
    rows.push({
      figure: `bulk put, ${N} keys (txns of 128, 8 in flight) vs one put per key (${S} keys, 8 in flight)`,
      value: bulkKps,
      unit: 'keys/s',
      baseline: singleKps,
      ratio,
      target: '≥ 30k keys/s and ≥ 10×',
      met: bulkKps >= 30_000 && ratio >= 10,
    });
  }

  if (parts.has('seek')) {
    const LIMIT = 100;
    const seekMs: number[] = [];
    const seekSrv: number[] = [];
    const descMs: number[] = [];
    const descSrv: number[] = [];
    let trips = 0;
    let same = true;
    for (let r = 0; r < ROUNDS; r++) {
      let srv = procCpuMs(etcdPid);
      let t = now();
      const page = await seek(s, { prefix: text(''), to: { end: true }, limit: LIMIT });
      seekMs.push(now() - t);
      if (srv !== undefined) seekSrv.push(procCpuMs(etcdPid)! - srv);
      trips = page.roundTrips;
      srv = procCpuMs(etcdPid);
      t = now();
      const desc = await s.run('read', () =>
        s.rpc.range({ key: Buffer.from([0]), range_end: Buffer.from([0]), limit: LIMIT, sort_order: 'Descend', sort_target: 'Key' }),
      );
      descMs.push(now() - t);
      if (srv !== undefined) descSrv.push(procCpuMs(etcdPid)! - srv);
      const lastSeek = page.items.at(-1)?.key;
      same &&= desc.kvs.length > 0 && lastSeek !== undefined && Buffer.from(lastSeek.data, lastSeek.encoding === 'base64' ? 'base64' : 'utf8').equals(desc.kvs[0].key);
    }
    Object.assign(results, {
      seek_end_ms: round1(median(seekMs)),
      seek_end_round_trips: trips,
      seek_end_etcd_cpu_ms: seekSrv.length ? round1(median(seekSrv)) : null,
      descending_limit_ms: round1(median(descMs)),
      descending_limit_etcd_cpu_ms: descSrv.length ? round1(median(descSrv)) : null,
      seek_end_same_last_key: same,
    });
    console.log(`seek: end of ${N} keys in ${trips} round trips; same last key as the descending read: ${same}`);
    rows.push({ figure: `jump to end (kv:seek, last ${LIMIT}, ${trips} round trips)`, value: median(seekMs), unit: 'ms', baseline: median(descMs), ratio: median(seekMs) / median(descMs) });
    if (seekSrv.length && descSrv.length) {
      rows.push({ figure: '  etcd CPU: seek vs unbounded descending limit', value: median(seekSrv), unit: 'ms', baseline: median(descSrv), ratio: median(seekSrv) / median(descSrv) });
    }
  }

  if (parts.has('grid')) {
    console.log('grid: the real renderer in Chromium, connect, fling, walk every page, fling at the bottom ...');
    const g = await measureGrid({ endpoints, expectedKeys: N });
    Object.assign(results, g);
    rows.push({
      figure: `connect → first rows painted in Chromium, ${N} keys`,
      value: g.grid_connect_to_first_row_painted_ms,
      unit: 'ms',
      target: '≤ 150 ms (at 1M)',
      met: g.grid_connect_to_first_row_painted_ms <= 150,
    });
    rows.push({
      figure: `End → the last row painted, ${N} keys (rows loaded then: ${g.grid_rows_loaded_after_end})`,
      value: g.grid_end_key_ms,
      unit: 'ms',
    });
    rows.push({
      figure: `DOM rows (max while scrolling all ${N} keys${g.grid_reached_end ? '' : ', END NOT REACHED'}; ${g.grid_rows_loaded_at_end} loaded at the end)`,
      value: g.grid_dom_rows_max,
      unit: 'rows',
      target: '≤ 150',
      met: g.grid_dom_rows_max <= 150,
    });
    rows.push({
      figure: 'scroll frame p95, fling (10 rows/frame) from the top, pages loading',
      value: g.grid_fling_top_frame_ms_p95,
      unit: 'ms',
      target: '≤ 16.7 ms',
      met: g.grid_fling_top_frame_ms_p95 <= 16.8,
    });
    rows.push({
      figure: `scroll frame p95, same fling at the bottom of ${N} keys`,
      value: g.grid_fling_bottom_frame_ms_p95,
      unit: 'ms',
      target: '≤ 16.7 ms',
      met: g.grid_fling_bottom_frame_ms_p95 <= 16.8,
    });
    rows.push({ figure: '  scroll frame p50 (top / bottom)', value: g.grid_fling_top_frame_ms_p50, unit: 'ms', baseline: g.grid_fling_bottom_frame_ms_p50 });
    rows.push({
      figure: `  walk top to bottom, each screen read where it is (${g.grid_walk_frames} frames, p95 ${g.grid_walk_frame_ms_p95} ms)`,
      value: g.grid_walk_duration_ms,
      unit: 'ms',
    });
  }

  if (parts.has('transfer')) {
    const t = await benchTransfer({ session: s, endpoints, etcdctl, keys: N, valueSize: VALUE_SIZE, rounds: ROUNDS, prefix: ownPrefix });
    Object.assign(results, t.results);
    rows.push(...t.rows);
  }

  console.log('');
  printTable(rows);
  results.finished_at = new Date().toISOString();
  results.targets = Object.fromEntries(rows.filter((r) => r.met !== undefined).map((r) => [r.figure, r.met]));
  mkdirSync(path.dirname(opt.out!), { recursive: true });
  writeFileSync(opt.out!, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwrote ${opt.out}`);
}

/** Plain paging, what the core did before windows: 10 000-key pages, each to the end of the keyspace. */
async function openPaging(s: EtcdSession, pageKeys: number): Promise<{ requests: number; keys: number }> {
  const range = (req: Parameters<typeof readRangeRaw>[1]) => s.run('read', () => readRangeRaw(s, req));
  let page = await range({ key: Buffer.from([0]), end: null, limit: pageKeys, keysOnly: true });
  const revision = page.revision;
  let requests = 1;
  let keys = page.keys().length;
  while (page.more) {
    page = await range({ key: Buffer.concat([page.lastKey()!, Buffer.from([0])]), end: null, limit: pageKeys, revision, keysOnly: true });
    requests++;
    keys += page.keys().length;
  }
  return { requests, keys };
}

function runCapture(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve) => {
    const c = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, ETCDCTL_API: '3' } });
    trackChild(c);
    let out = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    c.once('error', () => resolve('unknown'));
    c.once('close', () => resolve(out));
  });
}

function runChild(args: Record<string, unknown>): Promise<Record<string, number | string>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'bench', 'memory-child.ts'), JSON.stringify(args)], {
      stdio: ['ignore', 'pipe', 'inherit'],
      cwd: path.join(__dirname, '..'),
    });
    trackChild(child);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) reject(new Error(`memory child exited with ${code}`));
      else resolve(JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, number | string>);
    });
  });
}

main()
  .catch((err: unknown) => {
    if (interrupted) return; // a killed etcdctl or etcd, because we were asked to stop
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => cleanup());
