import { GRPCResourceExhastedError, type IKeyValue, type IRangeRequest, type IRangeResponse, type IRequestOp, type ITxnResponse } from 'etcd3';
import type { ChildrenRequest, CountRequest, DeleteRequest, GetRequest, ListRequest, PreviewsRequest, PutRequest } from '../../../shared/contract';
import { PREVIEW_READ_BYTES_DEFAULT } from '../../../shared/contract/limits';
import type { CountResult, DeleteResult, FolderChildren, KeyEntry, KeyPreview, KeyValue, Page, PreviewsResult, PutResult } from '../../../shared/types';
import { fromBuffer, prefixEnd, previewOf, toBuffer } from './bytes';
import { putWithLease } from './leases';
import { folderChildren } from './tree';
import { AppFailure, failure, namingUser } from './errors';
import { describeRange } from '../../../shared/access';
import { bytesOf, entryOf, type RangePage, type RangeReq } from './range-page';

export { entryOf } from './range-page';
import { collectWindowed, type DensityHint, hintFromPage, readRange, readRangeRaw } from './scan';
import { DEFAULT_MAX_REQUEST_BYTES, type EtcdSession } from './session';

export const DEFAULT_PREVIEW_BYTES = 256;
export const MAX_PAGE = 10_000;
/** Single-key reads in flight per `previews` call. */
const PREVIEW_READS = 8;
/** Room for the txn envelope, compares and ops around key + value in a put. */
const REQUEST_OVERHEAD_BYTES = 512;

const meta = (kv: IKeyValue) => ({
  createRevision: Number(kv.create_revision),
  modRevision: Number(kv.mod_revision),
  version: Number(kv.version),
  lease: String(kv.lease ?? '0'),
});

export const toKeyValue = (kv: IKeyValue): KeyValue => ({
  key: fromBuffer(kv.key),
  value: fromBuffer(kv.value ?? Buffer.alloc(0)),
  size: kv.value?.length ?? 0,
  ...meta(kv),
});


const MAX_HINTS = 64;

/** [key, range_end) of every key under a prefix; the empty prefix is the whole keyspace ("\0" .. "\0"). */
function prefixRange(prefix: Buffer): { key: Buffer; range_end: Buffer } {
  return prefix.length === 0 ? { key: Buffer.from([0]), range_end: Buffer.from([0]) } : { key: prefix, range_end: prefixEnd(prefix) };
}

const hintKey = (prefix: Buffer, key: Buffer): string => `${prefix.toString('hex')}:${key.toString('latin1')}`;

/** Raw KV access: buffers and raw `kvs` only, never etcd3's lossy `.strings()` helpers. */
export class KvService {
  constructor(private readonly session: EtcdSession) {}

  private get rpc() {
    return this.session.rpc;
  }

  private range(req: IRangeRequest): Promise<IRangeResponse> {
    return this.rpc.range(req);
  }

  private readonly read = (req: RangeReq): Promise<RangePage> => readRange(this.session, req);
  private readonly readRaw = (req: RangeReq): Promise<RangePage> => readRangeRaw(this.session, req);

  /**
   * One page of a prefix. The first page fixes the revision; later pages pass it back so the
   * listing is one consistent snapshot even while others write.
   *
   * Pages with values are read through etcd3's public `kv.range`; keys-only pages (up to 10 000
   * keys) through our own decoder (rpc.ts `rangeRaw`), which saves 50-66 ms of main-process CPU
   * and 57-80 ms of wall time on such a page (vs 1-19 ms on a page of 500 with previews); numbers
   * in range-page.ts and bench/listing-paths.md. Speed (see scan.ts): a page that follows one this service returned is read
   * through bounded windows sized from that page's key density, because etcd walks everything
   * from the page's first key to `range_end` on every request (~130 ms per page at 1M keys with
   * an open range_end, ~2 ms with a window). The first page of a listing has no density to go by
   * and reads [prefix, end); it gets the count from the same response for free (etcd computes it
   * anyway), so `count` never costs a second call on a first page.
   */
  list(req: ListRequest): Promise<Page> {
    return this.namingRange(req.prefix, this.listIn(req));
  }

  /**
   * A listing refused for lack of permission says by whom and over what ("user “reader” has no
   * read permission on all keys"): a user whose roles cover some prefixes only sees why the
   * whole keyspace cannot be listed.
   */
  private namingRange<T>(prefix: ListRequest['prefix'], p: Promise<T>): Promise<T> {
    return p.catch((err: unknown) => {
      const user = this.session.config.username;
      if (!(err instanceof AppFailure) || err.error.code !== 'PERMISSION_DENIED' || !err.error.details?.user || !user) throw err;
      const bytes = toBuffer(prefix);
      const range = bytes.length === 0 ? 'all keys' : describeRange({ key: prefix, rangeEnd: fromBuffer(prefixEnd(bytes)), scope: 'prefix' });
      throw new AppFailure(namingUser(err.error, user, 'read', range), { cause: err.cause });
    });
  }

  private listIn(req: ListRequest): Promise<Page> {
    return this.session.run('read', async () => {
      const prefix = toBuffer(req.prefix);
      // An empty prefix is the whole keyspace: key "\0" .. range_end "\0".
      const start = prefix.length === 0 ? Buffer.from([0]) : prefix;
      const end = prefix.length === 0 ? Buffer.from([0]) : prefixEnd(prefix);
      const open = end.length === 1 && end[0] === 0;
      // A cursor outside the prefix (a stale one, or a bad caller) must not widen the range.
      const after = req.cursor ? Buffer.concat([toBuffer(req.cursor), Buffer.from([0])]) : start;
      const from = Buffer.compare(after, start) < 0 ? start : after;
      if (prefix.length > 0 && Buffer.compare(from, end) >= 0 && !open) {
        const res = await this.range({ key: start, range_end: end, revision: req.revision ?? 0, count_only: true });
        const revision = req.revision && req.revision > 0 ? req.revision : Number(res.header.revision);
        return { items: [], more: false, nextCursor: null, revision, ...(req.count ? { count: Number(res.count) } : {}) };
      }
      const keysOnly = req.keysOnly === true;
      const read = keysOnly ? this.readRaw : this.read;
      const pinned = req.revision && req.revision > 0 ? req.revision : 0;
      const memo = req.cursor ? this.hints.get(hintKey(prefix, toBuffer(req.cursor))) : undefined;
      const hint = memo?.hint;
      // What the previous page knew of the keys left, valid at its revision only.
      const remaining = memo && memo.revision === pinned ? memo.remaining : undefined;
      let limit = Math.min(Math.max(1, req.limit), MAX_PAGE);
      let pages: RangePage[];
      let more: boolean;
      let revision: number;
      let counted: number | undefined;
      let learned: DensityHint | undefined;
      for (;;) {
        try {
          if (hint) {
            const w = await collectWindowed(read, {
              from,
              end: open ? null : end,
              want: limit + 1,
              revision: pinned,
              keysOnly,
              hint,
              ...(remaining === undefined ? {} : { remaining }),
            });
            pages = w.pages;
            more = remaining === undefined ? w.got > limit : remaining > limit;
            revision = pinned || w.revision;
            learned = w.hint;
          } else {
            const p = await read({ key: from, end: open ? null : end, limit, revision: pinned, keysOnly });
            pages = [p];
            more = p.more;
            revision = pinned || p.revision;
            counted = p.count;
          }
          break;
        } catch (err) {
          // Pages are bounded by key count; big values can still overflow the receive cap. Not a
          // retry of the same call (the session's policy does those): a smaller page, within the
          // same deadline, until it fits.
          if (limit > 1 && err instanceof GRPCResourceExhastedError && /larger than max/i.test(err.message)) {
            limit = Math.ceil(limit / 2);
            continue;
          }
          throw err;
        }
      }
      const previewBytes = req.previewBytes ?? DEFAULT_PREVIEW_BYTES;
      const items: KeyEntry[] = [];
      const keys: Buffer[] = [];
      for (const p of pages) {
        for (let i = 0; i < p.length && items.length < limit; i++) {
          items.push(entryOf(p, i, keysOnly, previewBytes));
          keys.push(p.key(i));
        }
      }
      const last = keys.at(-1);
      const page: Page = {
        items,
        more,
        nextCursor: more && last ? bytesOf(last) : null,
        revision,
      };
      // Keys after this page at its revision: known from the first page's count onwards.
      const left = remaining !== undefined ? remaining - items.length : counted !== undefined ? counted - items.length : undefined;
      if (more && last) this.remember(prefix, last, learned ?? hintFromPage(prefix, keys), revision, left);
      if (!req.count) return page;
      // Without a cursor the range already counted the whole prefix; with one, count it.
      const count =
        req.cursor || counted === undefined
          ? (await this.read({ key: start, end: open ? null : end, revision, countOnly: true })).count
          : counted;
      return { ...page, count };
    });
  }

  /**
   * The exact number of keys under a prefix (any bytes; empty = the whole keyspace): one Range
   * with count_only over [prefix, prefixEnd(prefix)), so no key or value crosses the wire. A read:
   * the session's deadline and retry policy apply. etcd walks its index over the range to count
   * (~30 ms at 100k keys, ~120 ms at 1M), so call it when the number is shown, not per page.
   */
  count(req: CountRequest): Promise<CountResult> {
    const revision = req.revision ?? 0;
    if (!Number.isSafeInteger(revision) || revision < 0) {
      return Promise.reject(failure('INVALID_ARGUMENT', 'The revision must be a whole number ≥ 0.', { field: 'revision' }));
    }
    return this.session.run('read', async () => {
      const res = await this.range({ ...prefixRange(toBuffer(req.prefix)), revision, count_only: true });
      return { count: Number(res.count), revision: revision > 0 ? revision : Number(res.header.revision) };
    });
  }

  /**
   * Sizes and previews of the named keys (a keys-only listing's rows on screen): one single-key
   * Range each, PREVIEW_READS at a time, at the listing's revision. etcd cannot send part of a
   * value, so a preview costs its whole value: no new read starts once `maxBytes` of values came
   * back, and the keys not read are left out for the caller to ask again.
   */
  previews(req: PreviewsRequest): Promise<PreviewsResult> {
    const revision = req.revision ?? 0;
    if (!Number.isSafeInteger(revision) || revision < 0) {
      return Promise.reject(failure('INVALID_ARGUMENT', 'The revision must be a whole number ≥ 0.', { field: 'revision' }));
    }
    const keys = req.keys.map(toBuffer);
    const max = req.previewBytes ?? DEFAULT_PREVIEW_BYTES;
    const budget = req.maxBytes ?? PREVIEW_READ_BYTES_DEFAULT;
    return this.session.run('read', async () => {
      const found: (KeyPreview | undefined)[] = new Array(keys.length);
      let bytes = 0;
      let next = 0;
      let at = revision;
      const worker = async () => {
        while (next < keys.length && bytes < budget) {
          const i = next++;
          const res = await this.range({ key: keys[i], revision });
          if (revision === 0) at = Math.max(at, Number(res.header.revision));
          const kv = res.kvs[0];
          if (!kv) {
            found[i] = { key: req.keys[i], missing: true };
            continue;
          }
          bytes += kv.value.length;
          found[i] = { key: req.keys[i], modRevision: Number(kv.mod_revision), size: kv.value.length, ...previewOf(kv.value, max) };
        }
      };
      await Promise.all(Array.from({ length: Math.min(PREVIEW_READS, keys.length) }, worker));
      return { items: found.filter((f): f is KeyPreview => f !== undefined), revision: at };
    });
  }

  /** A folder's direct children by delimiter (tree.ts). */
  children(req: ChildrenRequest): Promise<FolderChildren> {
    return this.namingRange(req.folder, folderChildren(this.session, req));
  }

  /** What each page we returned knew about the next one, by (prefix, last key). */
  private readonly hints = new Map<string, { hint: DensityHint; revision: number; remaining?: number }>();

  private remember(prefix: Buffer, last: Buffer, hint: DensityHint | undefined, revision: number, remaining: number | undefined): void {
    if (!hint) return;
    this.hints.set(hintKey(prefix, last), { hint, revision, ...(remaining === undefined ? {} : { remaining }) });
    if (this.hints.size > MAX_HINTS) this.hints.delete(this.hints.keys().next().value!);
  }

  get(req: GetRequest): Promise<KeyValue> {
    return this.session.run('read', async () => {
      const res = await this.range({ key: toBuffer(req.key) });
      const kv = res.kvs[0];
      if (!kv) throw failure('NOT_FOUND', 'The key does not exist.');
      return toKeyValue(kv);
    });
  }

  /**
   * One txn, sent at most once. Existing keys keep their lease (ignore_lease); with an
   * expected mod revision the txn fails instead of overwriting, and reports the current one.
   */
  put(req: PutRequest): Promise<PutResult> {
    const key = toBuffer(req.key);
    const value = toBuffer(req.value);
    if (key.length === 0) return Promise.reject(failure('INVALID_ARGUMENT', 'The key is empty.', { field: 'key' }));
    const limit = this.session.config.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
    const size = key.length + value.length;
    if (size + REQUEST_OVERHEAD_BYTES > limit) {
      return Promise.reject(
        failure('TOO_LARGE', `The key and value are ${size} bytes; the cluster accepts at most ${limit - REQUEST_OVERHEAD_BYTES}.`, {
          size,
          limit: limit - REQUEST_OVERHEAD_BYTES,
        }),
      );
    }
    const expected = req.expectedModRevision;
    if (req.lease && req.lease.mode !== 'keep') return this.withSize(size, putWithLease(this.session, { key, value, expected, choice: req.lease, conflict }));
    return this.withSize(size, this.session.run('write', async () => {
      const keepLease: IRequestOp = { request_put: { key, value, ignore_lease: true } };
      const fresh: IRequestOp = { request_put: { key, value } };
      const readBack: IRequestOp = { request_range: { key } };
      let res: ITxnResponse;
      if (expected === undefined) {
        // ignore_lease fails on a missing key, so branch on existence. Two conditional txns rather
        // than one with the value in both branches, which would double the request size.
        for (let attempt = 0; attempt < 3; attempt++) {
          res = await this.rpc.txn({ compare: [{ key, target: 'Create', result: 'Greater', create_revision: 0 }], success: [keepLease] });
          if (res.succeeded) return { revision: Number(res.header.revision), created: false };
          res = await this.rpc.txn({ compare: [{ key, target: 'Create', result: 'Equal', create_revision: 0 }], success: [fresh] });
          if (res.succeeded) return { revision: Number(res.header.revision), created: true };
        }
        throw failure('CONFLICT', 'The key was created and deleted repeatedly by others while writing; try again.');
      }
      res = await this.rpc.txn({
        compare:
          expected === 0
            ? [{ key, target: 'Create', result: 'Equal', create_revision: 0 }]
            : [{ key, target: 'Mod', result: 'Equal', mod_revision: expected }],
        success: [expected === 0 ? fresh : keepLease],
        failure: [readBack],
      });
      if (!res.succeeded) throw conflict(res, expected);
      return { revision: Number(res.header.revision), created: expected === 0 };
    }));
  }

  /** etcd's own "request is too large" says no sizes; add ours so the user sees both. */
  private async withSize<T>(size: number, p: Promise<T>): Promise<T> {
    try {
      return await p;
    } catch (err) {
      if (err instanceof AppFailure && err.error.code === 'TOO_LARGE' && err.error.details?.size === undefined) {
        throw new AppFailure({
          ...err.error,
          message: `The key and value are ${size} bytes, more than the cluster accepts (its --max-request-bytes).`,
          details: { ...err.error.details, size },
        });
      }
      throw err;
    }
  }

  delete(req: DeleteRequest): Promise<DeleteResult> {
    const key = toBuffer(req.key);
    if (key.length === 0) return Promise.reject(failure('INVALID_ARGUMENT', 'The key is empty.', { field: 'key' }));
    const expected = req.expectedModRevision;
    return this.session.run('write', async () => {
      const del: IRequestOp = { request_delete_range: { key, prev_kv: true } };
      const res = await this.rpc.txn({
        compare: expected === undefined ? [] : [{ key, target: 'Mod', result: 'Equal', mod_revision: expected }],
        success: [del],
        failure: [{ request_range: { key } }],
      });
      if (!res.succeeded) {
        if (res.responses[0]?.response_range?.kvs.length === 0) throw failure('NOT_FOUND', 'The key does not exist.');
        throw conflict(res, expected ?? 0);
      }
      const prev = res.responses[0]?.response_delete_range?.prev_kvs?.[0];
      if (!prev) throw failure('NOT_FOUND', 'The key does not exist.');
      return { revision: Number(res.header.revision), deleted: toKeyValue(prev) };
    });
  }
}

function conflict(res: ITxnResponse, expected: number) {
  const current = res.responses[0]?.response_range?.kvs[0];
  const currentModRevision = current ? Number(current.mod_revision) : 0;
  const message =
    expected === 0
      ? `The key already exists (mod revision ${currentModRevision}).`
      : currentModRevision === 0
        ? `The key was deleted since revision ${expected}.`
        : `The key changed since revision ${expected}: it is now at revision ${currentModRevision}.`;
  return failure('CONFLICT', message, { currentModRevision });
}
