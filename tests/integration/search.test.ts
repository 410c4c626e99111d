/**
 * `search:start` on a real etcd, through the handler table: 100,000 keys of 1 KB values (plus
 * keys that are not UTF-8), substring and regex on keys and values checked exactly against a
 * brute force over the same data, the result cap, cancel and disconnect mid-search, the
 * catastrophic-regex budget, an invalid regex refused before any job, memory and rates printed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startCluster, type EtcdCluster } from '../support/etcd';
import { testCipher, unwrap } from '../support/harness';
import { createHandlers, type AppHandlers } from '../../src/main/core/handlers';
import { EtcdSession } from '../../src/main/core/etcd/session';
import { putMany, type BulkEntry } from '../../src/main/core/etcd/bulk';
import { text, toUint8 } from '../../src/shared/bytes';
import type { EventMap, EventName, SearchHit, SearchHits, SearchRequest } from '../../src/shared/contract';
import type { JobInfo } from '../../src/shared/types';
import type { SearchReport } from '../../src/shared/job-reports';

const N = 100_000;
const VALUE_BYTES = 1024;

/** Every key of the data set, in etcd's (byte) order once sorted. */
function keyOf(i: number): Buffer {
  // Every 1000th key is not UTF-8 (0xff 0xfe) and holds "needle".
  if (i % 1000 === 0) return Buffer.concat([Buffer.from('s/bin/'), Buffer.from([0xff, 0xfe]), Buffer.from(`needle-${i}`)]);
  return Buffer.from(`s/g${i % 10}/item-${String(i).padStart(6, '0')}`);
}

function valueOf(i: number): Buffer {
  const v = Buffer.alloc(VALUE_BYTES, 'x'.charCodeAt(0));
  const tag = i % 97 === 0 ? `MARKER-${i}` : i % 193 === 0 ? `marker-${i}` : `plain-${i}`;
  v.write(tag, 100, 'latin1');
  if (i % 50 === 0) v.set([0xff, 0x00, 0xc3], 10); // not UTF-8, a NUL too
  return v;
}

/** ASCII-only lower case, written apart from the product's folding table. */
const lowerAscii = (b: Buffer): string => b.toString('latin1').replace(/[A-Z]/g, (c) => c.toLowerCase());

const ALL = Array.from({ length: N }, (_, i) => i).sort((a, b) => Buffer.compare(keyOf(a), keyOf(b)));

/** The keys (as latin1 text) that match, in key order: the brute-force answer. */
function expected(pick: (k: Buffer, v: () => Buffer) => boolean): string[] {
  return ALL.filter((i) => pick(keyOf(i), () => valueOf(i))).map((i) => keyOf(i).toString('latin1'));
}

const hitKey = (h: SearchHit): string => Buffer.from(toUint8(h.key)).toString('latin1');

let etcd: EtcdCluster;
let handlers: AppHandlers;
let dir: string;
let profileId: string;
const listeners = new Set<(event: EventName, payload: unknown) => void>();

beforeAll(async () => {
  etcd = await startCluster({ startTimeoutMs: 30_000 });
  const s = new EtcdSession({ endpoints: etcd.endpoints, deadlineMs: 60_000 });
  const started = performance.now();
  try {
    for (let from = 0; from < N; from += 10_000) {
      const entries: BulkEntry[] = [];
      for (let i = from; i < from + 10_000; i++) entries.push({ key: keyOf(i), value: valueOf(i) });
      await putMany(s, entries);
    }
    await putMany(s, [
      { key: Buffer.from('other/needle'), value: Buffer.from('marker') },
      { key: Buffer.from('cat/' + 'a'.repeat(40) + 'b'), value: Buffer.from('v') },
    ]);
  } finally {
    s.close();
  }
  console.log(`[search] wrote ${N.toLocaleString('en-US')} keys of ${VALUE_BYTES} B in ${Math.round(performance.now() - started)} ms`);
  dir = await mkdtemp(join(tmpdir(), 'etcd-desktop-search-'));
  handlers = createHandlers({
    profilesDir: dir,
    cipher: testCipher(),
    liveness: false,
    emit: (event: EventName, payload: EventMap[EventName]) => {
      for (const l of listeners) l(event, payload);
    },
  });
  profileId = unwrap(await handlers['profiles:save']({ name: 'search', endpoints: etcd.endpoints, deadlineMs: 10_000 })).id;
  unwrap(await handlers['connection:connect']({ profileId }));
}, 180_000);

afterAll(async () => {
  await handlers?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
  await etcd?.close();
});

interface Run {
  readonly job: JobInfo;
  readonly hits: SearchHit[];
  readonly batches: number;
  readonly progress: JobInfo[];
  readonly ms: number;
  readonly report: SearchReport;
}

/**
 * Starts a search and collects its events until its final job event. `onProgress` may act on a
 * progress event (cancel, disconnect).
 */
async function search(req: Omit<SearchRequest, 'profileId'>, onProgress?: (info: JobInfo) => void): Promise<Run> {
  const hits: SearchHit[] = [];
  const progress: JobInfo[] = [];
  let batches = 0;
  let jobId: string | undefined;
  const early: Array<[EventName, unknown]> = [];
  const started = performance.now();
  const done = new Promise<JobInfo>((resolve) => {
    const take = (event: EventName, payload: unknown): void => {
      if (event === 'event:search-hits') {
        const p = payload as SearchHits;
        if (p.jobId !== jobId) return;
        batches++;
        hits.push(...p.hits);
      } else if (event === 'event:job') {
        const info = payload as JobInfo;
        if (info.jobId !== jobId) return;
        if (info.state === 'running') {
          progress.push(info);
          onProgress?.(info);
        } else {
          listeners.delete(listener);
          resolve(info);
        }
      }
    };
    const listener = (event: EventName, payload: unknown): void => {
      if (jobId === undefined) early.push([event, payload]);
      else take(event, payload);
    };
    listeners.add(listener);
    void handlers['search:start']({ profileId, ...req }).then((r) => {
      jobId = unwrap(r).jobId;
      for (const [e, p] of early.splice(0)) take(e, p);
    });
  });
  const job = await done;
  const report = job.report as SearchReport;
  expect(report.kind).toBe('search');
  return { job, hits, batches, progress, ms: performance.now() - started, report };
}

const rate = (keys: number, ms: number): string => `${Math.round(keys / (ms / 1000)).toLocaleString('en-US')} keys/s`;

describe('search:start', () => {
  it('text on keys, ASCII case folded: exactly the keys a brute force finds, in key order, batched', async () => {
    const r = await search({ prefix: text('s/'), query: 'G3/ITEM-01', mode: 'text', maxResults: 10_000 });
    const want = expected((k) => lowerAscii(k).includes('g3/item-01'));
    expect(want.length).toBeGreaterThan(50);
    expect(r.job.state).toBe('done');
    expect(r.hits.map(hitKey)).toEqual(want);
    expect(r.hits.every((h) => !h.inValue && h.size === undefined && h.modRevision > 0)).toBe(true);
    expect(r.report).toMatchObject({ scanned: N, matched: want.length, capped: false });
    expect(r.progress.at(-1)?.progress).toMatchObject({ done: N, total: N });
    expect(r.batches).toBeLessThan(want.length);
    console.log(`[search] text on keys: ${N.toLocaleString('en-US')} keys scanned in ${Math.round(r.ms)} ms (${rate(N, r.ms)}), ${want.length} hits in ${r.batches} events`);
  });

  it('text on keys that are not UTF-8, case-sensitive; the prefix scopes the search', async () => {
    const r = await search({ prefix: text('s/'), query: 'needle', mode: 'text', caseSensitive: true, maxResults: 10_000 });
    const want = expected((k) => k.includes('needle'));
    expect(want).toHaveLength(N / 1000);
    expect(r.hits.map(hitKey)).toEqual(want);
    expect(r.hits.every((h) => h.key.encoding === 'base64')).toBe(true);
    expect((await search({ prefix: text('s/'), query: 'NEEDLE', mode: 'text', caseSensitive: true })).hits).toHaveLength(0);
  });

  it('regex on keys (UTF-8 decoding, invalid bytes as U+FFFD)', async () => {
    const r = await search({ prefix: text('s/'), query: '^s/g[37]/item-\\d*5\\d$', mode: 'regex', maxResults: 10_000 });
    const want = expected((k) => /^s\/g[37]\/item-\d*5\d$/.test(k.toString('latin1')));
    expect(want.length).toBeGreaterThan(1000);
    expect(r.hits.map(hitKey)).toEqual(want);
    console.log(`[search] regex on keys: ${rate(N, r.ms)} (${Math.round(r.ms)} ms), ${want.length} hits`);
    const bin = await search({ prefix: text(''), query: '/\\uFFFD\\uFFFDneedle-\\d+000$', mode: 'regex', maxResults: 10_000 });
    expect(bin.hits.map(hitKey)).toEqual(expected((k) => /^s\/bin\/\xff\xfeneedle-\d+000$/.test(k.toString('latin1'))));
    // "needle-0" has no digit before 000.
    expect(bin.hits.length).toBe(N / 1000 - 1);
  });

  it('text in values too: a key matches by key or by value, inValue says which, with sizes', async () => {
    const r = await search({ prefix: text('s/'), query: 'MARKER-1', mode: 'text', inValues: true, maxResults: 10_000 });
    const want = expected((k, v) => lowerAscii(k).includes('marker-1') || lowerAscii(v()).includes('marker-1'));
    expect(want.length).toBeGreaterThan(50);
    expect(r.hits.map(hitKey)).toEqual(want);
    expect(r.hits.every((h) => h.inValue && h.size === VALUE_BYTES)).toBe(true);
    console.log(`[search] text in keys and values (${N.toLocaleString('en-US')} x ${VALUE_BYTES} B): ${rate(N, r.ms)} (${Math.round(r.ms)} ms), ${want.length} hits`);
  });

  it('regex in values, case-sensitive', async () => {
    const r = await search({ prefix: text('s/'), query: 'MARKER-\\d*7x', mode: 'regex', caseSensitive: true, inValues: true, maxResults: 10_000 });
    const want = expected((_, v) => /MARKER-\d*7x/.test(v().toString('latin1')));
    expect(want.length).toBeGreaterThan(50);
    expect(r.hits.map(hitKey)).toEqual(want);
    expect(r.report).toMatchObject({ scanned: N, matched: want.length, capped: false });
    console.log(`[search] regex in values (${N.toLocaleString('en-US')} x ${VALUE_BYTES} B): ${rate(N, r.ms)} (${Math.round(r.ms)} ms), ${want.length} hits`);
  });

  it('the cap: stops at maxResults (default 1000) and says capped; the hits are the first keys that match', async () => {
    const r = await search({ prefix: text('s/'), query: 'item', mode: 'text' });
    const want = expected((k) => k.includes('item'));
    expect(r.hits.map(hitKey)).toEqual(want.slice(0, 1000));
    expect(r.report.capped).toBe(true);
    expect(r.report.matched).toBe(1000);
    expect(r.report.scanned).toBeLessThan(N);
    console.log(`[search] capped at 1000 after scanning ${r.report.scanned.toLocaleString('en-US')} of ${N.toLocaleString('en-US')} keys`);
    const exact = await search({ prefix: text('s/'), query: 'needle', mode: 'text', maxResults: N / 1000 });
    // The cap reached with keys left to look at: more may match, so it says capped.
    expect(exact.hits).toHaveLength(N / 1000);
    expect(exact.report.capped).toBe(true);
  });

  it('cancel mid-way ends the job promptly, as cancelled, with what it scanned so far', async () => {
    let cancelledAt = 0;
    const r = await search({ prefix: text('s/'), query: 'nothing-matches-this', mode: 'regex', inValues: true }, (info) => {
      if (cancelledAt === 0 && (info.progress?.done ?? 0) > 0) {
        cancelledAt = performance.now();
        void handlers['jobs:cancel']({ profileId, jobId: info.jobId });
      }
    });
    expect(r.job.state).toBe('cancelled');
    expect(r.report.scanned).toBeGreaterThan(0);
    expect(r.report.scanned).toBeLessThan(N);
    console.log(`[search] cancelled after scanning ${r.report.scanned.toLocaleString('en-US')} of ${N.toLocaleString('en-US')} keys; final event ${Math.round(performance.now() - cancelledAt)} ms after the cancel`);
    expect(unwrap(await handlers['jobs:list']({ profileId }))).toEqual([]);
  });

  it('the job ends with its connection (disconnect during a search)', async () => {
    let disconnected = false;
    const r = await search({ prefix: text('s/'), query: 'zzz', mode: 'text', inValues: true }, (info) => {
      if (!disconnected && (info.progress?.done ?? 0) > 0) {
        disconnected = true;
        void handlers['connection:disconnect']({ profileId });
      }
    });
    expect(r.job.state).toBe('cancelled');
    expect(r.job.error?.code).toBe('NOT_CONNECTED');
    expect(r.report.scanned).toBeLessThan(N);
    console.log(`[search] disconnect: job ended after ${r.report.scanned.toLocaleString('en-US')} keys`);
    unwrap(await handlers['connection:connect']({ profileId }));
  });

  it('an invalid regex is refused before any job starts', async () => {
    const r = await handlers['search:start']({ profileId, prefix: text('s/'), query: 'item-(\\d+', mode: 'regex' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('INVALID_ARGUMENT');
    expect(r.error.message).toMatch(/regular expression is not valid \(unterminated group\)/);
    expect(unwrap(await handlers['jobs:list']({ profileId }))).toEqual([]);
  });

  it('a catastrophic regex fails the job after the per-batch budget, with words for a person', async () => {
    const r = await search({ prefix: text('cat/'), query: '(a+)+$', mode: 'regex' });
    expect(r.job.state).toBe('failed');
    expect(r.job.error?.code).toBe('INVALID_ARGUMENT');
    expect(r.job.error?.message).toMatch(/took longer than 5 s.*backtracks/);
    console.log(`[search] catastrophic regex ended after ${Math.round(r.ms)} ms`);
  });

  it('memory stays bounded while searching 100,000 x 1 KB values', async () => {
    // What the search holds, not garbage waiting for a collection: collect at every progress event.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const before = process.memoryUsage();
    let peakRss = before.rss;
    let peakHeap = before.heapUsed;
    let peakBuffers = before.arrayBuffers;
    const r = await search({ prefix: text('s/'), query: 'no-such-text', mode: 'text', inValues: true }, () => {
      gc();
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
      peakBuffers = Math.max(peakBuffers, m.arrayBuffers);
    });
    expect(r.report).toMatchObject({ scanned: N, matched: 0 });
    const mb = (x: number) => `${(x / 1024 / 1024).toFixed(1)} MB`;
    const data = N * VALUE_BYTES;
    console.log(
      `[search] memory during a search of ${mb(data)} of values: RSS +${mb(peakRss - before.rss)}, heap +${mb(peakHeap - before.heapUsed)}, buffers +${mb(peakBuffers - before.arrayBuffers)} (peaks after a collection at each of ${r.progress.length} progress events); ${rate(N, r.ms)} with those collections`,
    );
    // Bounded: the buffers held at any time are a few windows of ~1 MiB, far below the data.
    expect(peakBuffers - before.arrayBuffers).toBeLessThan(data / 4);
    // A full collection at each of ~100 progress events: slow on a busy machine, not a hang.
  }, 120_000);
});
