/**
 * The app's listing reads through etcd3's public API against the former raw path, in one run, on
 * one etcd and one data set:
 *
 *   node --import tsx scripts/bench/listing-paths.ts [--keys 100000] [--rounds 15] [--scan-rounds 5] [--warmup 2]
 *        [--values 100-1000] [--figures a,b,c,d,e] [--endpoints URL]
 *
 *   public  etcd3's `kv.range` (range_end, limit, keys_only, revision) through the session's
 *           adapter (src/main/core/etcd/rpc.ts `range`), decoded by etcd3's protobufjs, rows read
 *           from `kvs` (KvsPage).
 *   raw     the same Range encoded and decoded by hand (range-page.ts), sent on a grpc-js client
 *           of the adapter's own (rpc.ts `rangeRaw`), rows read from offsets into the response
 *           buffer (BufferPage). (Before this measurement the product sent it on etcd3's
 *           protected connection pool; the decoding is the same.)
 *
 * The product uses the public path for pages with values and the raw one for keys-only pages and
 * the whole-range scan (the "app" column: the product's own call).
 * Both run the same code above the Range: KvService.list's first page (one Range, count for free),
 * its next page (bounded windows sized from the first page, `collectWindowed`), and the scan
 * (`scanRanges`); rows become what the renderer gets (`entryOf`: key Bytes, metadata, size and a
 * 160-byte preview, or keys only). Each figure is the median over --rounds (whole-keyspace scans:
 * --scan-rounds) after --warmup rounds that are not counted; the two paths alternate which goes
 * first, and a full GC runs before each timed call so one path's garbage is not collected on the
 * other's time. Besides wall time, the process's CPU time per call is reported: on a shared
 * machine it is the steadier figure for what the decoding costs. The app's own KvService.list is
 * timed too, to show the public column is the product's real cost.
 *
 * Seed (not timed here; see `npm run bench` for bulk put): k8s-like keys
 * /registry/<kind>/<namespace>/<name> with values of 100–1000 bytes, through putMany.
 * Without --endpoints it starts its own single-member etcd with the project's launcher and removes
 * it at the end (also on Ctrl+C). Prints a table; writes bench/results/listing-paths.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { putMany, type BulkEntry } from '../../src/main/core/etcd/bulk';
import { entryOf, KvService } from '../../src/main/core/etcd/kv';
import type { RangePage, RangeReq } from '../../src/main/core/etcd/range-page';
import { collectWindowed, hintFromPage, readRange, readRangeRaw, scan, scanRanges } from '../../src/main/core/etcd/scan';
import { EtcdSession } from '../../src/main/core/etcd/session';
import { text } from '../../src/shared/bytes';
import type { KeyEntry } from '../../src/shared/types';
import { startCluster, type EtcdCluster } from '../etcd-launcher';
import { gcFunction, machineInfo, median, now, round1, selfCpuMs } from './util';

const { values: opt } = parseArgs({
  options: {
    keys: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '15' },
    'scan-rounds': { type: 'string', default: '5' },
    warmup: { type: 'string', default: '2' },
    values: { type: 'string', default: '100-1000' },
    figures: { type: 'string', default: 'a,b,c,d,e' },
    endpoints: { type: 'string' },
    out: { type: 'string', default: path.join('bench', 'results', 'listing-paths.json') },
  },
});
const N = Number(opt.keys);
const ROUNDS = Math.max(1, Number(opt.rounds));
const SCAN_ROUNDS = Math.min(ROUNDS, Math.max(1, Number(opt['scan-rounds'])));
const WARMUP = Math.max(0, Number(opt.warmup));
const [MIN_VALUE, MAX_VALUE] = opt.values!.split('-').map(Number);
const FIGURES = new Set(opt.figures!.split(','));
const PAGE = 500; // the renderer's PAGE_SIZE
const PREVIEW = 160; // the renderer's PREVIEW_BYTES
const KEYS_PAGE = 10_000; // KvService's MAX_PAGE, keys only

let cluster: EtcdCluster | undefined;
let session: EtcdSession | undefined;
let cleaned: Promise<void> | undefined;
const cleanup = (): Promise<void> =>
  (cleaned ??= (async () => {
    session?.close();
    await cluster?.close();
  })());
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => void cleanup().finally(() => process.exit(130)));
}

// ---------------------------------------------------------------------------------------------
// Data: /registry/<kind>/<namespace>/<name>, values 100-1000 bytes (deterministic)

const KINDS = ['pods', 'services', 'configmaps', 'secrets', 'deployments', 'events', 'endpointslices', 'leases'];
let seed = 42;
const rand = (): number => {
  // xorshift32: the same data set every run
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 2 ** 32;
};
const keyOf = (i: number): string => `/registry/${KINDS[i % KINDS.length]}/ns-${(i * 7919) % 120}/app-${(i * 104729) % 99991}-${i.toString(36)}`;
function valueOf(i: number): Buffer {
  const size = MIN_VALUE + Math.floor(rand() * ((MAX_VALUE ?? MIN_VALUE) - MIN_VALUE + 1));
  const json = `{"kind":"${KINDS[i % KINDS.length]}","metadata":{"name":"app-${i}","uid":"${i.toString(16).padStart(8, '0')}"},"spec":"`;
  const v = Buffer.alloc(size, 'x');
  v.write(json.slice(0, size), 0, 'latin1');
  return v;
}

// ---------------------------------------------------------------------------------------------
// The listing operations, over either path

type Read = (req: RangeReq) => Promise<RangePage>;
const ZERO = Buffer.from([0]);
const succ = (k: Buffer): Buffer => Buffer.concat([k, ZERO]);

/** Rows of pages the way KvService.list builds them. */
function rows(pages: readonly RangePage[], limit: number, keysOnly: boolean): { items: KeyEntry[]; keys: Buffer[] } {
  const items: KeyEntry[] = [];
  const keys: Buffer[] = [];
  for (const p of pages) {
    for (let i = 0; i < p.length && items.length < limit; i++) {
      items.push(entryOf(p, i, keysOnly, PREVIEW));
      keys.push(p.key(i));
    }
  }
  return { items, keys };
}

interface First {
  readonly revision: number;
  readonly count: number;
  readonly keys: Buffer[];
  readonly items: number;
}

/** KvService.list's first page of the whole keyspace: one Range [\0, \0), etcd counts it. */
async function firstPage(s: EtcdSession, read: Read, limit: number, keysOnly: boolean): Promise<First> {
  return s.run('read', async () => {
    const p = await read({ key: ZERO, end: null, limit, keysOnly });
    const r = rows([p], limit, keysOnly);
    return { revision: p.revision, count: p.count, keys: r.keys, items: r.items.length };
  });
}

/** KvService.list's next page: bounded windows sized from the first page's key density. */
async function nextPage(s: EtcdSession, read: Read, first: First): Promise<number> {
  return s.run('read', async () => {
    const hint = hintFromPage(Buffer.alloc(0), first.keys);
    if (!hint) throw new Error('no density hint');
    const w = await collectWindowed(read, {
      from: succ(first.keys.at(-1)!),
      end: null,
      want: PAGE + 1,
      revision: first.revision,
      keysOnly: false,
      hint,
      remaining: first.count - first.items,
    });
    return rows(w.pages, PAGE, false).items.length;
  });
}

/** The whole keyspace through `scanRanges` (as export/search read it), keys turned into Bytes. */
async function wholeScan(get: Read, keysOnly: boolean): Promise<{ keys: number; requests: number; mb: number }> {
  let keys = 0;
  const st = await scanRanges(get, { keysOnly }, (p) => {
    if (keysOnly) keys += p.keys().length;
    else
      for (let i = 0; i < p.length; i++) {
        p.keyBytes(i);
        p.valueBytes(i);
        keys++;
      }
  });
  if (keys !== st.total) throw new Error(`scan saw ${keys} keys, etcd counted ${st.total}`);
  return { keys, requests: st.requests, mb: st.bytes / 2 ** 20 };
}

// ---------------------------------------------------------------------------------------------

interface Figure {
  readonly name: string;
  readonly run: (path: 'public' | 'raw') => Promise<unknown>;
  readonly ms: { public: number[]; raw: number[] };
  readonly cpu: { public: number[]; raw: number[] };
  /** The product's own call, for reference. */
  readonly app?: () => Promise<unknown>;
  readonly appMs: number[];
  readonly scan: boolean;
}

async function main(): Promise<void> {
  const started = Date.now();
  let endpoints: string[];
  if (opt.endpoints) endpoints = opt.endpoints.split(',');
  else {
    cluster = await startCluster({ extraArgs: ['--quota-backend-bytes', String(8 * 2 ** 30)], log: 'buffer' });
    endpoints = cluster.endpoints;
  }
  const s = (session = new EtcdSession({ endpoints, deadlineMs: 120_000 }));
  const status = await s.run('read', () => s.rpc.status());
  const m = machineInfo();
  console.log(`listing paths: ${N} keys, values ${opt.values} bytes, ${ROUNDS} rounds (scans ${SCAN_ROUNDS}, +${WARMUP} warm-up); ${m.cpus} cpus, node ${m.node_version}, etcd ${status.version}`);

  const existing = await new KvService(s).count({ profileId: 'bench', prefix: text('') });
  if (existing.count === 0 || opt.endpoints === undefined) {
    const t = now();
    const CHUNK = 50_000;
    let bytes = 0;
    for (let from = 0; from < N; from += CHUNK) {
      const chunk: BulkEntry[] = [];
      for (let i = from; i < Math.min(N, from + CHUNK); i++) {
        const value = valueOf(i);
        bytes += value.length;
        chunk.push({ key: Buffer.from(keyOf(i)), value });
      }
      await putMany(s, chunk);
    }
    console.log(`seeded ${N} keys (${round1(bytes / 2 ** 20)} MiB of values) in ${Math.round(now() - t)} ms`);
  }
  const total = (await new KvService(s).count({ profileId: 'bench', prefix: text('') })).count;

  const reads: Record<'public' | 'raw', Read> = {
    public: (req) => readRange(s, req),
    raw: (req) => readRangeRaw(s, req),
  };
  // A whole scan sends each window as its own session read (own deadline), on either path.
  const ops: Record<'public' | 'raw', Read> = {
    public: (req) => s.run('read', () => readRange(s, req)),
    raw: (req) => s.run('read', () => readRangeRaw(s, req)),
  };
  const kv = new KvService(s);
  const firstFor = { public: undefined as First | undefined, raw: undefined as First | undefined };
  let appFirst: Awaited<ReturnType<KvService['list']>> | undefined;
  const scanInfo: Record<string, { keys: number; requests: number; mb: number }> = {};

  const fig = (name: string, run: Figure['run'], app?: Figure['app']): Figure => ({
    name,
    run,
    app,
    ms: { public: [], raw: [] },
    cpu: { public: [], raw: [] },
    appMs: [],
    scan: name.includes('whole keyspace'),
  });
  const all: Figure[] = [
    fig(
      `(a) first page, ${PAGE} rows with ${PREVIEW}-byte previews (+ count)`,
      async (p) => (firstFor[p] = await firstPage(s, reads[p], PAGE, false)),
      async () => (appFirst = await kv.list({ profileId: 'bench', prefix: text(''), limit: PAGE, count: true, previewBytes: PREVIEW })),
    ),
    fig(
      `(b) next page, ${PAGE} rows with previews (pinned, windowed)`,
      (p) => nextPage(s, reads[p], firstFor[p]!),
      () => kv.list({ profileId: 'bench', prefix: text(''), limit: PAGE, previewBytes: PREVIEW, cursor: appFirst!.nextCursor!, revision: appFirst!.revision }),
    ),
    fig(
      `(c) first page, ${KEYS_PAGE} keys only`,
      (p) => firstPage(s, reads[p], KEYS_PAGE, true),
      () => kv.list({ profileId: 'bench', prefix: text(''), limit: KEYS_PAGE, keysOnly: true }),
    ),
    fig(
      `(d) whole keyspace, keys only (scan, 4 in flight)`,
      async (p) => (scanInfo[`keys_${p}`] = await wholeScan(ops[p], true)),
      () => scan(s, { keysOnly: true }, (p) => void p.keys()),
    ),
    fig(
      `(e) whole keyspace with values (scan, 4 in flight)`,
      async (p) => (scanInfo[`values_${p}`] = await wholeScan(ops[p], false)),
      () =>
        scan(s, {}, (p) => {
          for (let i = 0; i < p.length; i++) p.valueBytes(i);
        }),
    ),
  ];
  // (b) needs (a)'s first page.
  const figures = all.filter((f) => FIGURES.has(f.name[1]) || (f.name[1] === 'a' && FIGURES.has('b')));

  const gc = gcFunction();
  for (let round = 0; round < WARMUP + ROUNDS; round++) {
    const counted = round >= WARMUP;
    const order: Array<'public' | 'raw'> = round % 2 === 0 ? ['public', 'raw'] : ['raw', 'public'];
    for (const f of figures) {
      if (f.scan && round >= WARMUP + SCAN_ROUNDS) continue;
      for (const p of order) {
        gc();
        const cpu = selfCpuMs();
        const t = now();
        await f.run(p);
        const ms = now() - t;
        if (counted) {
          f.ms[p].push(ms);
          f.cpu[p].push(selfCpuMs() - cpu);
        }
      }
      if (f.app) {
        gc();
        const t = now();
        await f.app();
        if (counted) f.appMs.push(now() - t);
      }
    }
  }

  const table = figures.map((f) => {
    const pub = median(f.ms.public);
    const rawMs = median(f.ms.raw);
    return {
      figure: f.name,
      public_ms: round1(pub),
      raw_ms: round1(rawMs),
      diff_ms: round1(pub - rawMs),
      ratio: Math.round((pub / rawMs) * 100) / 100,
      public_cpu_ms: round1(median(f.cpu.public)),
      raw_cpu_ms: round1(median(f.cpu.raw)),
      ...(f.appMs.length ? { app_ms: round1(median(f.appMs)) } : {}),
      public_all_ms: f.ms.public.map(round1),
      raw_all_ms: f.ms.raw.map(round1),
    };
  });

  const w = [62, 10, 10, 10, 8, 12, 12, 10];
  const cell = (v: unknown, i: number): string => (i === 0 ? String(v).padEnd(w[i]) : String(v).padStart(w[i]));
  const line = (cols: unknown[]): string => cols.map(cell).join(' ');
  console.log('');
  console.log(line(['figure (median ms)', 'public', 'raw', 'diff', 'ratio', 'cpu public', 'cpu raw', 'app']));
  for (const t of table) {
    console.log(line([t.figure, t.public_ms, t.raw_ms, t.diff_ms, `${t.ratio}x`, t.public_cpu_ms, t.raw_cpu_ms, t.app_ms ?? '']));
  }
  console.log(
    `\n${total} keys; scans: keys-only ${scanInfo.keys_public?.requests} requests / ${round1(scanInfo.keys_public?.mb ?? 0)} MiB, ` +
      `with values ${scanInfo.values_public?.requests} requests / ${round1(scanInfo.values_public?.mb ?? 0)} MiB; ` +
      `ratio = public / raw; "app" = the product's own call (KvService.list, scan). ${Math.round((Date.now() - started) / 1000)} s in all.`,
  );
  const result = { schema: 1, at: new Date().toISOString(), machine: { ...m, etcd_version: status.version }, keys: total, values_bytes: opt.values, rounds: ROUNDS, scan_rounds: SCAN_ROUNDS, warmup: WARMUP, table, scans: scanInfo };
  mkdirSync(path.dirname(opt.out!), { recursive: true });
  writeFileSync(opt.out!, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${opt.out}`);
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => cleanup());
