/**
 * The analyze job (`k8s:analyze`, like `auger analyze`): what fills a Kubernetes etcd. Every
 * value under /registry/ is read (bytes per resource need them) at ONE revision: the keys are
 * counted first with a count-only Range (the total for progress, and the revision), then read
 * with scan.ts's bounded windows, each response kept near RESPONSE_BYTES whatever the value
 * sizes (a handful of keys next to 1 MB configmaps). The resource of a key comes from its path
 * alone (objectOfKey); encryption from the `k8s:enc:` prefix, without decoding. Memory stays
 * bounded: counts per resource and namespace and a heap of the largest keys, never a value.
 */
import { isUtf8 } from 'node:buffer';
import { fromBuffer, prefixEnd, toBuffer } from '../etcd/bytes';
import { failure } from '../etcd/errors';
import type { RangePage } from '../etcd/range-page';
import { scan } from '../etcd/scan';
import type { EtcdSession } from '../etcd/session';
import { pace } from '../tasks/pace';
import type { JobContext } from '../tasks/connection-tasks';
import type { Connection } from '../connections';
import type { Bytes } from '../../../shared/bytes';
import { K8S_ANALYZE_LARGEST, type K8sAnalyzeReport } from '../../../shared/k8s';
import type { JobInfo } from '../../../shared/types';
import { Largest } from './largest';
import { K8S_ROOT, objectOfKey } from './resource-path';

/** Keys that are no object (compact_rev_key, masterleases/…) are counted under this resource. */
export const OTHER_RESOURCE = '(other)';

/** Each Range response stays near this size (the limit adapts to the values seen). */
const RESPONSE_BYTES = 4 * 1024 * 1024;

const ENC_PREFIX = Buffer.from('k8s:enc:', 'latin1');

/** Thrown inside the scan's page callback to end it (cancelled). */
const STOP = Symbol('stop analyze');

interface Tally {
  count: number;
  bytes: number;
}

/** Starts the analysis as a job of the connection; returns at once with the job. */
export async function analyzeK8s(conn: Connection, root: Bytes | undefined): Promise<JobInfo> {
  const prefix = root ? toBuffer(root) : Buffer.from(K8S_ROOT, 'utf8');
  if (prefix.length === 0) throw failure('INVALID_ARGUMENT', 'Choose the prefix to analyze (e.g. /registry/).', { field: 'root' });
  // "/registry" would also read "/registry-backup/…", and no path under it would match a resource.
  if (prefix[prefix.length - 1] !== 0x2f) throw failure('INVALID_ARGUMENT', 'The prefix to analyze must end with "/" (e.g. /registry/).', { field: 'root' });
  return conn.tasks.startJob('k8s-analyze', (ctx) => runAnalyze(conn.session, prefix, ctx));
}

/** The analysis itself; exported for tests that run it on a session directly. */
export async function runAnalyze(session: EtcdSession, prefix: Buffer, ctx: JobContext): Promise<void> {
  // Keys whose path is not UTF-8 cannot be a Kubernetes object path: they count as "(other)".
  const rootText = isUtf8(prefix) ? prefix.toString('utf8') : undefined;
  const byResource = new Map<string, Tally>();
  /** resource + "\0" + namespace → tally ('\0' is in no resource name). */
  const byNamespace = new Map<string, Tally>();
  const largest = new Largest(K8S_ANALYZE_LARGEST);
  let scanned = 0;
  let bytes = 0;
  let encrypted = 0;
  let revision = 0;
  let total: number | undefined;
  const due = pace();

  const tally = (map: Map<string, Tally>, name: string, size: number): void => {
    const t = map.get(name);
    if (t) {
      t.count++;
      t.bytes += size;
    } else map.set(name, { count: 1, bytes: size });
  };

  const report = (): void => {
    const r: K8sAnalyzeReport = {
      kind: 'k8s-analyze',
      scanned,
      bytes,
      revision,
      byResource: [...byResource]
        .map(([resource, t]) => ({ resource, count: t.count, bytes: t.bytes }))
        .sort((a, b) => b.bytes - a.bytes || b.count - a.count || (a.resource < b.resource ? -1 : 1)),
      byNamespace: [...byNamespace]
        .map(([k, t]) => {
          const cut = k.indexOf('\0');
          return { resource: k.slice(0, cut), namespace: k.slice(cut + 1), count: t.count, bytes: t.bytes };
        })
        .sort((a, b) => b.count - a.count || b.bytes - a.bytes || (a.resource < b.resource ? -1 : a.resource > b.resource ? 1 : a.namespace < b.namespace ? -1 : 1)),
      largest: largest.sorted().map((e) => ({ key: fromBuffer(e.key), resource: e.resource, size: e.size })),
      encrypted,
    };
    ctx.report(r);
  };
  const progress = (force = false): void => {
    if (due(force)) ctx.progress({ done: scanned, ...(total !== undefined ? { total } : {}), phase: total === undefined ? 'counting keys' : 'reading values' });
  };

  const onPage = (page: RangePage): void => {
    if (ctx.signal.aborted) throw STOP;
    for (let i = 0; i < page.length; i++) {
      const key = page.key(i);
      const value = page.value(i);
      const size = value.length;
      const ref = rootText !== undefined && isUtf8(key) ? objectOfKey(key.toString('utf8'), rootText) : undefined;
      const resource = ref ? ref.stored.resource : OTHER_RESOURCE;
      tally(byResource, resource, size);
      if (ref) tally(byNamespace, `${resource}\0${ref.namespace}`, size);
      if (size >= ENC_PREFIX.length && value.subarray(0, ENC_PREFIX.length).equals(ENC_PREFIX)) encrypted++;
      largest.offer(key, resource, size);
      bytes += size;
    }
    scanned += page.length;
    progress();
  };

  try {
    progress(true);
    // The total and the revision: every later read is pinned to it, so writes made during the
    // analysis are not counted.
    const counted = await session.run('read', () => session.rpc.rangeRaw({ key: prefix, end: prefixEnd(prefix), countOnly: true }));
    total = counted.count;
    revision = counted.revision;
    if (ctx.signal.aborted) return;
    progress(true);
    await scan(session, { prefix, revision, responseBytes: RESPONSE_BYTES }, onPage);
    progress(true);
  } catch (err) {
    if (err === STOP || ctx.signal.aborted) return;
    throw err;
  } finally {
    // Also when cancelled or failed: what was read so far, a partial report.
    report();
  }
}
