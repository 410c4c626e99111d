/**
 * Range responses as pages read by index, two ways:
 *
 *  - `KvsPage` over etcd3's decoded response (protobufjs: one object per key-value, int64 fields
 *    as decimal strings). Every read of the product uses it except the two below.
 *  - `BufferPage` from our own decoder (`decodeRangeResponse`): it keeps the response buffer and
 *    records offsets; keys and values become `Bytes` only when asked. Sent by rpc.ts `rangeRaw`.
 *    Used where etcd3's decoding costs a user-visible amount (bench/listing-paths.md; 2 cores,
 *    etcd 3.4, 100k k8s-like keys, values 100-1000 bytes, 4 runs): the whole-range scan (keys
 *    only: +427..+1002 ms wall, +460..+630 ms of our CPU with etcd3's decoding; at 1M keys
 *    +5.6 s of CPU; with values: +300..+490 ms CPU) and keys-only list pages of 10 000
 *    (+57..+80 ms wall in 3 runs of 4, +50..+66 ms CPU in all). Pages of 500 rows with previews
 *    differ by 1-19 ms and stay on etcd3's decoding.
 *
 * Both give the same rows (tests/integration/bulk.test.ts compares them on a real etcd).
 */
import { isUtf8 } from 'node:buffer';
import type { IKeyValue, IRangeRequest, IRangeResponse } from 'etcd3';
import type { Bytes } from '../../../shared/bytes';
import type { KeyEntry } from '../../../shared/types';

// ---------------------------------------------------------------------------------------------
// Bytes from a slice of a buffer, without copying the slice first

/**
 * Same result as `fromUint8(buf.subarray(start, end))` (strict UTF-8 text, else base64), cheaper:
 * most keys are ASCII, which is checked with a plain loop and decoded as latin1, and `isUtf8`
 * replaces a throwing strict TextDecoder.
 */
export function bytesOfSlice(buf: Buffer, start: number, end: number): Bytes {
  let i = start;
  while (i < end && buf[i] < 0x80) i++;
  if (i === end) return { encoding: 'utf8', data: buf.toString('latin1', start, end) };
  const sub = buf.subarray(start, end);
  return isUtf8(sub) ? { encoding: 'utf8', data: sub.toString('utf8') } : { encoding: 'base64', data: sub.toString('base64') };
}

/** `fromBuffer` of a whole buffer, the fast way. */
export const bytesOf = (buf: Buffer): Bytes => bytesOfSlice(buf, 0, buf.length);

/**
 * The first `max` bytes of a value as a preview; same result as bytes.ts `previewOf` (a cut that
 * splits a UTF-8 character backs off up to 3 bytes so text stays text).
 */
export function previewOfSlice(buf: Buffer, start: number, end: number, max: number): { preview: Bytes; truncated: boolean } {
  if (end - start <= max) return { preview: bytesOfSlice(buf, start, end), truncated: false };
  let i = start;
  const stop = start + max;
  while (i < stop && buf[i] < 0x80) i++;
  if (i === stop) return { preview: { encoding: 'utf8', data: buf.toString('latin1', start, stop) }, truncated: true };
  for (let cut = max; cut >= Math.max(0, max - 3); cut--) {
    const sub = buf.subarray(start, start + cut);
    if (isUtf8(sub)) return { preview: { encoding: 'utf8', data: sub.toString('utf8') }, truncated: true };
  }
  return { preview: bytesOfSlice(buf, start, stop), truncated: true };
}

// ---------------------------------------------------------------------------------------------
// One Range

/** range_end "\0": to the end of the keyspace. */
const ZERO = Buffer.from([0]);

export interface RangeReq {
  readonly key: Buffer;
  /** null: to the end of the keyspace (range_end "\0"). Absent: the single key `key`. */
  readonly end?: Buffer | null;
  readonly limit?: number;
  readonly revision?: number;
  readonly keysOnly?: boolean;
  readonly countOnly?: boolean;
}

/** One Range response, read by index. Keys and values are buffers or `Bytes` on demand. */
export interface RangePage {
  /** The store's revision when the response was made (the pinned one is the caller's). */
  readonly revision: number;
  readonly more: boolean;
  /** Keys in the requested [key, range_end) at the revision (etcd counts the whole range). */
  readonly count: number;
  readonly length: number;
  /** Bytes of keys and values in the page, about the size of the response. */
  readonly bytes: number;
  key(i: number): Buffer;
  keyBytes(i: number): Bytes;
  value(i: number): Buffer;
  valueBytes(i: number): Bytes;
  valueSize(i: number): number;
  preview(i: number, max: number): { preview: Bytes; truncated: boolean };
  createRevision(i: number): number;
  modRevision(i: number): number;
  version(i: number): number;
  /** The lease id as a decimal string ('0': none); lease ids use all 64 bits. */
  lease(i: number): string;
  /** Every key as Bytes, in order. */
  keys(): Bytes[];
  lastKey(): Buffer | undefined;
}

/** A listing row: key, metadata, and for values the size and a preview of `previewBytes`. */
export function entryOf(p: RangePage, i: number, keysOnly: boolean, previewBytes: number): KeyEntry {
  const m = { createRevision: p.createRevision(i), modRevision: p.modRevision(i), version: p.version(i), lease: p.lease(i) };
  if (keysOnly) return { key: p.keyBytes(i), ...m };
  const { preview, truncated } = p.preview(i, previewBytes);
  return { key: p.keyBytes(i), size: p.valueSize(i), preview, truncated, ...m };
}

/** Overhead per key-value in a Range response (tags, lengths, four int64s), for sizing pages. */
const KV_OVERHEAD_BYTES = 24;
const EMPTY = Buffer.alloc(0);

/** A RangePage over etcd3's decoded response (`kvs`, int64s as decimal strings). */
export class KvsPage implements RangePage {
  readonly revision: number;
  readonly more: boolean;
  readonly count: number;
  readonly length: number;
  private size = -1;
  private readonly kvs: readonly IKeyValue[];

  constructor(res: IRangeResponse) {
    this.kvs = res.kvs;
    this.revision = Number(res.header.revision);
    this.more = res.more;
    this.count = Number(res.count);
    this.length = res.kvs.length;
  }

  get bytes(): number {
    if (this.size < 0) {
      let n = 0;
      for (const kv of this.kvs) n += kv.key.length + (kv.value?.length ?? 0) + KV_OVERHEAD_BYTES;
      this.size = n;
    }
    return this.size;
  }
  key(i: number): Buffer {
    return this.kvs[i].key;
  }
  keyBytes(i: number): Bytes {
    return bytesOf(this.kvs[i].key);
  }
  value(i: number): Buffer {
    return this.kvs[i].value ?? EMPTY;
  }
  valueBytes(i: number): Bytes {
    return bytesOf(this.value(i));
  }
  valueSize(i: number): number {
    return this.kvs[i].value?.length ?? 0;
  }
  preview(i: number, max: number): { preview: Bytes; truncated: boolean } {
    const v = this.value(i);
    return previewOfSlice(v, 0, v.length, max);
  }
  createRevision(i: number): number {
    return Number(this.kvs[i].create_revision);
  }
  modRevision(i: number): number {
    return Number(this.kvs[i].mod_revision);
  }
  version(i: number): number {
    return Number(this.kvs[i].version);
  }
  lease(i: number): string {
    return String(this.kvs[i].lease ?? '0');
  }
  keys(): Bytes[] {
    const out = new Array<Bytes>(this.length);
    for (let i = 0; i < this.length; i++) out[i] = bytesOf(this.kvs[i].key);
    return out;
  }
  lastKey(): Buffer | undefined {
    return this.length > 0 ? this.kvs[this.length - 1].key : undefined;
  }
}

/** The etcd3 request for a RangeReq. */
export function toRangeRequest(req: RangeReq): IRangeRequest {
  return {
    key: req.key,
    ...(req.end === undefined ? {} : { range_end: req.end ?? ZERO }),
    limit: req.limit ?? 0,
    revision: req.revision ?? 0,
    keys_only: req.keysOnly === true,
    count_only: req.countOnly === true,
  };
}

// ---------------------------------------------------------------------------------------------
// Our own Range codec (etcdserverpb.RangeRequest / RangeResponse, mvccpb.KeyValue)

function varintLen(n: number): number {
  let len = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    len++;
  }
  return len;
}

function writeVarint(out: Buffer, pos: number, n: number): number {
  while (n >= 128) {
    out[pos++] = (n % 128) | 0x80;
    n = Math.floor(n / 128);
  }
  out[pos++] = n;
  return pos;
}

export function encodeRangeRequest(req: RangeReq): Buffer {
  const end = req.end === undefined ? undefined : req.end ?? ZERO;
  const limit = req.limit ?? 0;
  const revision = req.revision ?? 0;
  let size = 1 + varintLen(req.key.length) + req.key.length;
  if (end) size += 1 + varintLen(end.length) + end.length;
  if (limit > 0) size += 1 + varintLen(limit);
  if (revision > 0) size += 1 + varintLen(revision);
  if (req.keysOnly) size += 2;
  if (req.countOnly) size += 2;
  const out = Buffer.allocUnsafe(size);
  let p = 0;
  out[p++] = 0x0a; // 1: key
  p = writeVarint(out, p, req.key.length);
  p += req.key.copy(out, p);
  if (end) {
    out[p++] = 0x12; // 2: range_end
    p = writeVarint(out, p, end.length);
    p += end.copy(out, p);
  }
  if (limit > 0) {
    out[p++] = 0x18; // 3: limit
    p = writeVarint(out, p, limit);
  }
  if (revision > 0) {
    out[p++] = 0x20; // 4: revision
    p = writeVarint(out, p, revision);
  }
  if (req.keysOnly) {
    out[p++] = 0x40; // 8: keys_only
    out[p++] = 1;
  }
  if (req.countOnly) {
    out[p++] = 0x48; // 9: count_only
    out[p++] = 1;
  }
  return out;
}

/** Thrown by the decoder on malformed input (never seen from a real etcd). */
class DecodeError extends Error {}

/**
 * One Range response, decoded lazily. The buffer is kept and each key-value is a set of offsets;
 * keys and values are Buffer views (`key(i)`) or `Bytes` (`keyBytes(i)`) on demand.
 */
export class BufferPage implements RangePage {
  constructor(
    readonly buf: Buffer,
    readonly revision: number,
    readonly more: boolean,
    /** Keys in the requested [key, range_end) at the revision (etcd counts the whole range). */
    readonly count: number,
    readonly length: number,
    /** 4 per kv: key start, key end, value start, value end. */
    private readonly off: Uint32Array,
    /** 3 per kv: create revision, mod revision, version. */
    private readonly nums: Float64Array,
    /** Non-zero leases only, as decimal strings. */
    private readonly leases: ReadonlyMap<number, string> | null,
    /** header.raft_term of the member that answered: the session follows leader changes by it. */
    readonly raftTerm = 0,
  ) {}

  /** The response as received (keys and values are views into it). */
  get bytes(): number {
    return this.buf.length;
  }
  key(i: number): Buffer {
    return this.buf.subarray(this.off[4 * i], this.off[4 * i + 1]);
  }
  keyBytes(i: number): Bytes {
    return bytesOfSlice(this.buf, this.off[4 * i], this.off[4 * i + 1]);
  }
  keyLength(i: number): number {
    return this.off[4 * i + 1] - this.off[4 * i];
  }
  value(i: number): Buffer {
    return this.buf.subarray(this.off[4 * i + 2], this.off[4 * i + 3]);
  }
  valueBytes(i: number): Bytes {
    return bytesOfSlice(this.buf, this.off[4 * i + 2], this.off[4 * i + 3]);
  }
  valueSize(i: number): number {
    return this.off[4 * i + 3] - this.off[4 * i + 2];
  }
  preview(i: number, max: number): { preview: Bytes; truncated: boolean } {
    return previewOfSlice(this.buf, this.off[4 * i + 2], this.off[4 * i + 3], max);
  }
  createRevision(i: number): number {
    return this.nums[3 * i];
  }
  modRevision(i: number): number {
    return this.nums[3 * i + 1];
  }
  version(i: number): number {
    return this.nums[3 * i + 2];
  }
  lease(i: number): string {
    return this.leases?.get(i) ?? '0';
  }
  /** Every key as Bytes, in order. */
  keys(): Bytes[] {
    const out = new Array<Bytes>(this.length);
    for (let i = 0; i < this.length; i++) out[i] = this.keyBytes(i);
    return out;
  }
  lastKey(): Buffer | undefined {
    return this.length > 0 ? this.key(this.length - 1) : undefined;
  }
}

// The decoder keeps its read position in a module variable: no tuple per varint, and decoding
// is synchronous, so nothing else can use it meanwhile.
let at = 0;

/** A varint as a JS number (exact up to 2^53; etcd revisions and versions stay far below). */
function varint(buf: Buffer): number {
  let b = buf[at++];
  if (b < 0x80) return b;
  let value = b & 0x7f;
  let mul = 128;
  for (;;) {
    if (at >= buf.length) throw new DecodeError('truncated varint');
    b = buf[at++];
    value += (b & 0x7f) * mul;
    if (b < 0x80) return value;
    mul *= 128;
    if (mul > 2 ** 70) throw new DecodeError('varint too long');
  }
}

/** An int64 varint as a signed decimal string, exactly (lease ids use all 64 bits). */
function int64String(buf: Buffer): string {
  let v = 0n;
  let shift = 0n;
  for (;;) {
    if (at >= buf.length) throw new DecodeError('truncated varint');
    const b = buf[at++];
    v |= BigInt(b & 0x7f) << shift;
    if (b < 0x80) break;
    shift += 7n;
  }
  return BigInt.asIntN(64, v).toString();
}

function skip(buf: Buffer, wire: number): void {
  switch (wire) {
    case 0:
      varint(buf);
      return;
    case 1:
      at += 8;
      return;
    case 2: {
      const len = varint(buf); // read first: `at += varint()` would add to the old position
      at += len;
      return;
    }
    case 5:
      at += 4;
      return;
    default:
      throw new DecodeError(`unsupported wire type ${wire}`);
  }
}

const tagAt = (buf: Buffer): number => (buf[at] < 0x80 ? buf[at++] : varint(buf));

export function decodeRangeResponse(buf: Buffer): BufferPage {
  // Pass 1: top-level fields; count the kvs so the offset arrays are allocated once.
  let revision = 0;
  let raftTerm = 0;
  let more = false;
  let count = 0;
  let n = 0;
  at = 0;
  while (at < buf.length) {
    const tag = tagAt(buf);
    if (tag === 0x0a) {
      // 1: header
      const stop = varint(buf) + at;
      while (at < stop) {
        const t = tagAt(buf);
        if (t === 0x18) revision = varint(buf); // header.revision
        else if (t === 0x20) raftTerm = varint(buf); // header.raft_term
        else skip(buf, t & 7);
      }
      at = stop;
    } else if (tag === 0x12) {
      // 2: kvs
      const len = varint(buf);
      at += len;
      n++;
    } else if (tag === 0x18) {
      more = varint(buf) !== 0; // 3: more
    } else if (tag === 0x20) {
      count = varint(buf); // 4: count
    } else {
      skip(buf, tag & 7);
    }
  }
  if (at !== buf.length) throw new DecodeError('truncated response');
  // Pass 2: the kvs.
  const off = new Uint32Array(4 * n);
  const nums = new Float64Array(3 * n);
  let leases: Map<number, string> | null = null;
  let i = 0;
  at = 0;
  while (at < buf.length) {
    const tag = tagAt(buf);
    if (tag !== 0x12) {
      skip(buf, tag & 7);
      continue;
    }
    const stop = varint(buf) + at;
    while (at < stop) {
      const t = tagAt(buf);
      switch (t) {
        case 0x0a: {
          // 1: key
          const l = varint(buf);
          off[4 * i] = at;
          off[4 * i + 1] = at + l;
          at += l;
          break;
        }
        case 0x10:
          nums[3 * i] = varint(buf); // 2: create_revision
          break;
        case 0x18:
          nums[3 * i + 1] = varint(buf); // 3: mod_revision
          break;
        case 0x20:
          nums[3 * i + 2] = varint(buf); // 4: version
          break;
        case 0x2a: {
          // 5: value
          const l = varint(buf);
          off[4 * i + 2] = at;
          off[4 * i + 3] = at + l;
          at += l;
          break;
        }
        case 0x30: {
          // 6: lease
          const s = int64String(buf);
          if (s !== '0') (leases ??= new Map()).set(i, s);
          break;
        }
        default:
          skip(buf, t & 7);
      }
    }
    if (at !== stop) throw new DecodeError('malformed key-value');
    i++;
  }
  return new BufferPage(buf, revision, more, count, n, off, nums, leases, raftTerm);
}


