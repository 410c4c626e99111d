import { GRPCResourceExhastedError, type IKeyValue, type IRangeRequest, type IRangeResponse, type IRequestOp, type ITxnResponse } from 'etcd3';
import type {
  DeleteRequest,
  DeleteResult,
  GetRequest,
  KeyEntry,
  KeyValue,
  ListRequest,
  Page,
  PutRequest,
  PutResult,
} from '../../shared/types';
import { fromBuffer, prefixEnd, previewOf, toBuffer } from './bytes';
import { AppFailure, failure } from './errors';
import { DEFAULT_MAX_REQUEST_BYTES, type EtcdSession } from './session';

export const DEFAULT_PREVIEW_BYTES = 256;
export const MAX_PAGE = 10_000;
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

function toEntry(kv: IKeyValue, keysOnly: boolean, previewBytes: number): KeyEntry {
  if (keysOnly) return { key: fromBuffer(kv.key), ...meta(kv) };
  const value = kv.value ?? Buffer.alloc(0);
  const { preview, truncated } = previewOf(value, previewBytes);
  return { key: fromBuffer(kv.key), size: value.length, preview, truncated, ...meta(kv) };
}

/** Raw KV access: buffers and raw `kvs` only, never etcd3's lossy `.strings()` helpers. */
export class KvService {
  constructor(private readonly session: EtcdSession) {}

  private get kv() {
    return this.session.client.kv;
  }

  private range(req: IRangeRequest): Promise<IRangeResponse> {
    return this.kv.range(req);
  }

  /**
   * One page of a prefix. The first page fixes the revision; later pages pass it back so the
   * listing is one consistent snapshot even while others write.
   */
  list(req: ListRequest): Promise<Page> {
    return this.session.run('read', async () => {
      const prefix = toBuffer(req.prefix);
      // An empty prefix is the whole keyspace: key "\0" .. range_end "\0".
      const start = prefix.length === 0 ? Buffer.from([0]) : prefix;
      const end = prefix.length === 0 ? Buffer.from([0]) : prefixEnd(prefix);
      // A cursor outside the prefix (a stale one, or a bad caller) must not widen the range.
      const after = req.cursor ? Buffer.concat([toBuffer(req.cursor), Buffer.from([0])]) : start;
      const from = Buffer.compare(after, start) < 0 ? start : after;
      if (prefix.length > 0 && Buffer.compare(from, end) >= 0 && !(end.length === 1 && end[0] === 0)) {
        const res = await this.range({ key: start, range_end: end, revision: req.revision ?? 0, count_only: true });
        const revision = req.revision && req.revision > 0 ? req.revision : Number(res.header.revision);
        return { items: [], more: false, nextCursor: null, revision, ...(req.count ? { count: Number(res.count) } : {}) };
      }
      let limit = Math.min(Math.max(1, req.limit), MAX_PAGE);
      let res: IRangeResponse;
      for (;;) {
        try {
          res = await this.range({ key: from, range_end: end, limit, revision: req.revision ?? 0, keys_only: req.keysOnly === true });
          break;
        } catch (err) {
          // Pages are bounded by key count; big values can still overflow the receive cap.
          // A read is safe to repeat: halve the page until it fits.
          if (limit > 1 && err instanceof GRPCResourceExhastedError && /larger than max/i.test(err.message)) {
            limit = Math.ceil(limit / 2);
            continue;
          }
          throw err;
        }
      }
      const revision = req.revision && req.revision > 0 ? req.revision : Number(res.header.revision);
      const previewBytes = req.previewBytes ?? DEFAULT_PREVIEW_BYTES;
      const items = res.kvs.map((kv) => toEntry(kv, req.keysOnly === true, previewBytes));
      const last = res.kvs.at(-1);
      const page: Page = {
        items,
        more: res.more,
        nextCursor: res.more && last ? fromBuffer(last.key) : null,
        revision,
      };
      if (!req.count) return page;
      // Without a cursor the range already counted the whole prefix; with one, count it.
      const count = req.cursor
        ? Number((await this.range({ key: start, range_end: end, revision, count_only: true })).count)
        : Number(res.count);
      return { ...page, count };
    });
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
    return this.withSize(size, this.session.run('write', async () => {
      const keepLease: IRequestOp = { request_put: { key, value, ignore_lease: true } };
      const fresh: IRequestOp = { request_put: { key, value } };
      const readBack: IRequestOp = { request_range: { key } };
      let res: ITxnResponse;
      if (expected === undefined) {
        // ignore_lease fails on a missing key, so branch on existence. Two conditional txns rather
        // than one with the value in both branches, which would double the request size.
        for (let attempt = 0; attempt < 3; attempt++) {
          res = await this.kv.txn({ compare: [{ key, target: 'Create', result: 'Greater', create_revision: 0 }], success: [keepLease] });
          if (res.succeeded) return { revision: Number(res.header.revision), created: false };
          res = await this.kv.txn({ compare: [{ key, target: 'Create', result: 'Equal', create_revision: 0 }], success: [fresh] });
          if (res.succeeded) return { revision: Number(res.header.revision), created: true };
        }
        throw failure('CONFLICT', 'The key was created and deleted repeatedly by others while writing; try again.');
      }
      res = await this.kv.txn({
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
      const res = await this.kv.txn({
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
