/**
 * The memory figure runs in its own process, so earlier parts of the benchmark (seeding, big
 * scans) do not leave their high-water mark in the numbers: this process plays the main process.
 *
 * It connects, lists every key page by page the way the app does (KvService.list, pages of 500
 * with value previews, the first with count, the rest pinned to its revision with the cursor),
 * drops each page after a structured clone (what IPC to the renderer costs), and samples
 * process.memoryUsage() every 20 ms and after each page. Prints one JSON line.
 *
 *   node --import tsx scripts/bench/memory-child.ts '{"endpoints":["http://127.0.0.1:2379"]}'
 */
import { KvService } from '../../src/main/core/etcd/kv';
import { scan } from '../../src/main/core/etcd/scan';
import { EtcdSession } from '../../src/main/core/etcd/session';
import { text } from '../../src/shared/bytes';
import type { Page } from '../../src/shared/types';
import { gcFunction, median, now, round1 } from './util';

interface Args {
  endpoints: string[];
  mode?: 'list' | 'scan';
  pageSize?: number;
  previewBytes?: number;
  /** Scan options for mode 'scan' (defaults otherwise). */
  scan?: { concurrency?: number; pageKeys?: number; maxWindowBytes?: number };
}

const MB = 2 ** 20;

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? '{}') as Args;
  const mode = args.mode ?? 'list';
  const session = new EtcdSession({ endpoints: args.endpoints, deadlineMs: 60_000 });
  const kv = new KvService(session);
  try {
    await session.run('read', () => session.rpc.status());
    const gc = gcFunction();
    gc();
    gc();
    const base = process.memoryUsage();
    let peakRss = base.rss;
    let peakHeap = base.heapUsed;
    let peakExternal = base.external + base.arrayBuffers;
    const sample = (): void => {
      const m = process.memoryUsage();
      if (m.rss > peakRss) peakRss = m.rss;
      if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
      if (m.external + m.arrayBuffers > peakExternal) peakExternal = m.external + m.arrayBuffers;
    };
    const timer = setInterval(sample, 20);
    const t0 = now();
    const pageMs: number[] = [];
    let keys = 0;
    let pages = 0;
    if (mode === 'list') {
      const limit = args.pageSize ?? 500;
      const previewBytes = args.previewBytes ?? 160;
      let t = now();
      let page: Page = await kv.list({ profileId: 'bench', prefix: text(''), limit, count: true, previewBytes });
      for (;;) {
        pageMs.push(now() - t);
        keys += page.items.length;
        pages++;
        structuredClone(page); // what handing the page to the renderer costs; then it is dropped
        sample();
        if (!page.more || !page.nextCursor) break;
        t = now();
        page = await kv.list({ profileId: 'bench', prefix: text(''), limit, cursor: page.nextCursor, revision: page.revision, previewBytes });
      }
    } else {
      let t = now();
      await scan(session, { ...args.scan, keysOnly: true }, (p) => {
        pageMs.push(now() - t);
        structuredClone(p.keys());
        keys += p.length;
        pages++;
        sample();
        t = now();
      });
    }
    const ms = now() - t0;
    clearInterval(timer);
    sample();
    const out = {
      mode,
      keys,
      pages,
      ms: Math.round(ms),
      page_ms_median: round1(median(pageMs)),
      page_ms_max: round1(Math.max(...pageMs)),
      first_page_ms: round1(pageMs[0]),
      rss_baseline_mb: round1(base.rss / MB),
      rss_peak_mb: round1(peakRss / MB),
      rss_growth_mb: round1((peakRss - base.rss) / MB),
      heap_baseline_mb: round1(base.heapUsed / MB),
      heap_peak_mb: round1(peakHeap / MB),
      heap_growth_mb: round1((peakHeap - base.heapUsed) / MB),
      external_growth_mb: round1((peakExternal - base.external - base.arrayBuffers) / MB),
    };
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } finally {
    session.close();
  }
}

process.once('SIGINT', () => process.exit(130));
process.once('SIGTERM', () => process.exit(143));
main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
