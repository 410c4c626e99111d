/**
 * Export: every key under a prefix (or a selection of keys), read at one revision, streamed to a
 * file in the etcd desktop format. The file is written next to the target under a temporary name
 * and renamed over it only once complete and flushed: a cancelled or failed export leaves no file
 * (and an existing target untouched).
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import type { ExportReport } from '../../../shared/transfer-reports';
import { prefixEnd } from '../etcd/bytes';
import { AppFailure, failure } from '../etcd/errors';
import type { RangePage } from '../etcd/range-page';
import { scan } from '../etcd/scan';
import type { EtcdSession } from '../etcd/session';
import type { JobContext } from '../tasks/connection-tasks';
import { entryLine, fileBytes, headerLine } from './format';

export interface ExportOptions {
  readonly path: string;
  /** Keys under this prefix (empty: the whole keyspace)... */
  readonly prefix?: Buffer;
  /** ...or exactly these keys (missing ones are left out). */
  readonly keys?: readonly Buffer[];
}

/** Lease lookups in flight. */
const LEASE_CONCURRENCY = 16;
/** Keys per read-only txn of a selection export (etcd's default --max-txn-ops is 128). */
const SELECTION_BATCH = 64;

class Cancelled extends Error {}

/** Checks the target before anything is read: an absolute path in an existing folder, not a folder itself. */
export async function checkExportTarget(path: string): Promise<void> {
  if (!isAbsolute(path)) throw failure('INVALID_ARGUMENT', 'Choose where to save the export (a full path).', { field: 'path' });
  const dir = await stat(dirname(path)).catch(() => undefined);
  if (!dir?.isDirectory()) throw failure('NOT_FOUND', 'The folder to save the export in does not exist.', { field: 'path' });
  const target = await stat(path).catch(() => undefined);
  if (target && !target.isFile()) throw failure('INVALID_ARGUMENT', 'That path is a folder, not a file.', { field: 'path' });
}

/** One row of the file, whichever way it was read. */
interface Row {
  key: Buffer;
  value: Buffer;
  createRevision: number;
  modRevision: number;
  version: number;
  lease: string;
}

export async function runExport(session: EtcdSession, opts: ExportOptions, ctx: JobContext): Promise<void> {
  await checkExportTarget(opts.path);
  const status = await session.run('read', () => session.rpc.status());
  const cluster = BigInt(status.header.cluster_id).toString(16);
  const revision = Number(status.header.revision);
  const prefix = opts.prefix ?? Buffer.alloc(0);
  let total = opts.keys ? opts.keys.length : 0;
  if (!opts.keys) {
    // The exact number of keys at the revision, for progress and the header (bounded range end:
    // etcd counts by walking the range, see FACTS).
    const counted = await session.run('read', () =>
      session.rpc.rangeRaw({ key: prefix.length ? prefix : Buffer.from([0]), end: prefix.length ? prefixEnd(prefix) : null, revision, countOnly: true }),
    );
    total = counted.count;
  }

  const temp = join(dirname(opts.path), `.${basename(opts.path)}.${randomBytes(4).toString('hex')}.part`);
  const fh = await open(temp, 'wx', 0o600).catch((err: NodeJS.ErrnoException) => {
    throw failure('PERMISSION_DENIED', `The export cannot be written in that folder (${err.code ?? 'error'}).`, { field: 'path' });
  });
  let keys = 0;
  let bytes = 0;
  let withLease = 0;
  let complete = false;
  const report = (): void =>
    ctx.report({ kind: 'export', path: opts.path, complete, keys, total, bytes, revision, cluster, withLease } satisfies ExportReport);
  const ttls = new Map<string, number>();

  const write = async (text: string): Promise<void> => {
    const buf = Buffer.from(text, 'utf8');
    try {
      await fh.write(buf);
    } catch (err) {
      throw failure('INTERNAL', `Writing the export failed (${(err as NodeJS.ErrnoException).code ?? 'error'}); no file was left.`);
    }
    bytes += buf.length;
  };

  const writeRows = async (rows: readonly Row[]): Promise<void> => {
    if (ctx.signal.aborted) throw new Cancelled();
    const unknown = [...new Set(rows.filter((r) => r.lease !== '0' && !ttls.has(r.lease)).map((r) => r.lease))];
    await lookupTtls(session, unknown, ttls);
    let text = '';
    for (const r of rows) {
      if (r.lease !== '0') withLease++;
      text += entryLine({ ...r, ...(r.lease !== '0' ? { leaseTtl: ttls.get(r.lease) ?? -1 } : {}) });
    }
    await write(text);
    keys += rows.length;
    report();
    ctx.progress({ done: keys, total, phase: 'exporting' });
  };

  try {
    await write(
      headerLine({
        cluster,
        revision,
        ...(opts.keys ? { selection: true } : { prefix: fileBytes(prefix), count: total }),
        exportedAt: new Date().toISOString(),
      } as Parameters<typeof headerLine>[0]),
    );
    report();
    ctx.progress({ done: 0, total, phase: 'exporting' });
    if (opts.keys) {
      for (let i = 0; i < opts.keys.length; i += SELECTION_BATCH) {
        await writeRows(await readKeys(session, opts.keys.slice(i, i + SELECTION_BATCH), revision));
      }
      total = keys;
    } else {
      await scan(session, { prefix, revision }, (page) => writeRows(rowsOf(page)));
    }
    await fh.datasync();
    await fh.close();
    await rename(temp, opts.path);
    complete = true;
    report();
  } catch (err) {
    await fh.close().catch(() => undefined);
    await rm(temp, { force: true });
    report();
    if (err instanceof Cancelled || ctx.signal.aborted) return;
    if (err instanceof AppFailure) throw err;
    throw failure('INTERNAL', 'The export failed; no file was left. The details are in the log.');
  }
}

function rowsOf(page: RangePage): Row[] {
  const rows: Row[] = [];
  for (let i = 0; i < page.length; i++) {
    rows.push({
      key: page.key(i),
      value: page.value(i),
      createRevision: page.createRevision(i),
      modRevision: page.modRevision(i),
      version: page.version(i),
      lease: page.lease(i),
    });
  }
  return rows;
}

/** The named keys at `revision`, in the order given, missing ones left out: one read-only txn. */
async function readKeys(session: EtcdSession, keys: readonly Buffer[], revision: number): Promise<Row[]> {
  const res = await session.run('read', () =>
    session.rpc.txn({ compare: [], success: keys.map((key) => ({ request_range: { key, revision } })), failure: [] }),
  );
  const rows: Row[] = [];
  for (const r of res.responses) {
    const kv = r.response_range?.kvs[0];
    if (!kv) continue;
    rows.push({
      key: kv.key,
      value: kv.value ?? Buffer.alloc(0),
      createRevision: Number(kv.create_revision),
      modRevision: Number(kv.mod_revision),
      version: Number(kv.version),
      lease: String(kv.lease ?? '0'),
    });
  }
  return rows;
}

/** Remaining TTL of each lease (-1: gone), once per lease per export. */
async function lookupTtls(session: EtcdSession, ids: readonly string[], into: Map<string, number>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < ids.length) {
      const id = ids[next++];
      const r = await session.run('read', () => session.rpc.leaseTimeToLive({ ID: id, keys: false }));
      const ttl = Number(r.TTL);
      into.set(id, ttl < 0 ? -1 : ttl);
    }
  };
  await Promise.all(Array.from({ length: Math.min(LEASE_CONCURRENCY, ids.length) }, worker));
}
