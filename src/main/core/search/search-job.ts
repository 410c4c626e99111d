/**
 * A search job: every key under a prefix at one revision (scan.ts: bounded windows, a few in
 * flight, pages handed over one at a time), matched page by page; hits go out in batches as
 * they are found. Keys only unless values are searched; then values come in windows of about
 * 1 MiB. Memory stays bounded: a page is released once matched, and no hit is kept here (they
 * are sent, and counted). The search stops at the result cap and says so ("capped").
 */
import { SEARCH_RESULTS_DEFAULT, type SearchHit, type SearchRequest } from '../../../shared/contract';
import type { JobInfo } from '../../../shared/types';
import type { Connection } from '../connections';
import { toBuffer } from '../etcd/bytes';
import { bytesOf, type RangePage } from '../etcd/range-page';
import { scan } from '../etcd/scan';
import type { JobContext } from '../tasks/connection-tasks';
import { BytesMatcher, regexFlags } from './matcher';
import { RegexWorker } from './regex-worker';

export interface SearchJobOptions {
  /** Time a regex may take on one batch before the search fails (regex-worker.ts). */
  readonly regexBudgetMs?: number;
}

/** At most this many hits per event (a page where everything matches still arrives in parts). */
const HITS_PER_EVENT = 1000;

/** Thrown inside the scan's page callback to end it early (cap reached, cancelled). */
const STOP = Symbol('stop search');

/** Starts the search as a job of the connection; returns at once with the job. */
export function startSearch(
  conn: Connection,
  req: SearchRequest,
  emitHits: (jobId: string, hits: SearchHit[]) => void,
  opts: SearchJobOptions = {},
): JobInfo {
  let jobId = '';
  const info = conn.tasks.startJob('search', (ctx) => runSearch(conn, req, (hits) => emitHits(jobId, hits), ctx, opts));
  jobId = info.jobId;
  return info;
}

async function runSearch(conn: Connection, req: SearchRequest, emit: (hits: SearchHit[]) => void, ctx: JobContext, opts: SearchJobOptions): Promise<void> {
  const cap = req.maxResults ?? SEARCH_RESULTS_DEFAULT;
  const inValues = req.inValues === true;
  const caseSensitive = req.caseSensitive === true;
  const worker = req.mode === 'regex' ? new RegexWorker(req.query, regexFlags(caseSensitive), { budgetMs: opts.regexBudgetMs }) : undefined;
  const bytes = req.mode === 'text' ? new BytesMatcher(req.query, caseSensitive) : undefined;
  let scanned = 0;
  let matched = 0;
  let capped = false;
  let revision = 0;
  let total: number | undefined;
  const report = (): void => ctx.report({ kind: 'search', scanned, matched, capped, revision });

  /** Per entry of the page: bit 1 = key matches, bit 2 = value matches. */
  const matchPage = async (page: RangePage): Promise<Uint8Array> => {
    const n = page.length;
    const out = new Uint8Array(n);
    if (bytes) {
      for (let i = 0; i < n; i++) out[i] = (bytes.matches(page.key(i)) ? 1 : 0) | (inValues && bytes.matches(page.value(i)) ? 2 : 0);
      return out;
    }
    const items: Buffer[] = [];
    for (let i = 0; i < n; i++) {
      items.push(page.key(i));
      if (inValues) items.push(page.value(i));
    }
    const r = await worker!.match(items);
    const per = inValues ? 2 : 1;
    for (let i = 0; i < n; i++) out[i] = r[i * per] | (inValues ? r[i * per + 1] << 1 : 0);
    return out;
  };

  const onPage = async (page: RangePage): Promise<void> => {
    if (ctx.signal.aborted) throw STOP;
    if (total === undefined) {
      // The first page is the one Range over the whole prefix: its count is the total.
      total = page.count;
      revision = page.revision;
    }
    const found = await matchPage(page);
    if (ctx.signal.aborted) throw STOP;
    let hits: SearchHit[] = [];
    let upTo = page.length;
    for (let i = 0; i < page.length; i++) {
      const f = found[i];
      if (f === 0) continue;
      hits.push({ key: bytesOf(page.key(i)), modRevision: page.modRevision(i), ...(inValues ? { size: page.valueSize(i) } : {}), inValue: (f & 1) === 0 });
      if (hits.length === HITS_PER_EVENT) {
        emit(hits);
        hits = [];
      }
      if (++matched >= cap) {
        capped = i + 1 < page.length || page.count > page.length || scanned + page.length < total;
        upTo = i + 1;
        break;
      }
    }
    if (hits.length > 0) emit(hits);
    scanned += upTo;
    report();
    ctx.progress({ done: scanned, total, phase: 'searching' });
    if (matched >= cap) throw STOP;
  };

  let stopAborted: () => void = () => {};
  const aborted = new Promise<'aborted'>((resolve) => {
    stopAborted = () => resolve('aborted');
    if (ctx.signal.aborted) resolve('aborted');
    ctx.signal.addEventListener('abort', () => resolve('aborted'), { once: true });
  });
  // Settles as a value: after a cancel the scan may still reject in the background.
  const scanning = scan(conn.session, { prefix: toBuffer(req.prefix), keysOnly: !inValues }, onPage).then(
    (stats) => ({ stats }),
    (err: unknown) => ({ err }),
  );
  try {
    report();
    ctx.progress({ done: 0, phase: 'searching' });
    const outcome = await Promise.race([scanning, aborted]);
    // Cancelled (or the connection ended): return at once; the worker stops in `finally`.
    if (outcome === 'aborted') return;
    if ('err' in outcome && outcome.err !== STOP) throw outcome.err;
    if ('stats' in outcome && revision === 0) revision = outcome.stats.revision;
    report();
  } finally {
    stopAborted();
    await worker?.terminate();
  }
}
