/**
 * The wire form of Maintenance.Snapshot (etcd's rpc.proto): the request is empty, each answer is
 *   message SnapshotResponse { ResponseHeader header = 1; uint64 remaining_bytes = 2; bytes blob = 3; }
 * Decoded by hand (like range-page.ts) so the snapshot stream goes on our own grpc-js call, which
 * carries the login token: etcd3 1.1.2's `maintenance.snapshot()` passes the metadata where grpc-js
 * expects the request, so the call reaches etcd without its token (refused when auth is on).
 */

export interface SnapshotChunk {
  /** Bytes still to come after this chunk (etcd's count). */
  readonly remaining: number;
  readonly blob: Buffer;
  /** header.revision: the revision the snapshot was taken at (0 when absent). */
  readonly revision: number;
}

export class SnapshotDecodeError extends Error {
  override name = 'SnapshotDecodeError';
}

export const encodeSnapshotRequest = (): Buffer => Buffer.alloc(0);

export function decodeSnapshotResponse(buf: Buffer): SnapshotChunk {
  let at = 0;
  const varint = (): number => {
    let value = 0;
    let mul = 1;
    for (;;) {
      if (at >= buf.length) throw new SnapshotDecodeError('truncated varint');
      const b = buf[at++];
      value += (b & 0x7f) * mul;
      if (b < 0x80) return value;
      mul *= 128;
      if (mul > 2 ** 70) throw new SnapshotDecodeError('varint too long');
    }
  };
  const skip = (wire: number): void => {
    if (wire === 0) varint();
    else if (wire === 1) at += 8;
    else if (wire === 2) at += varint();
    else if (wire === 5) at += 4;
    else throw new SnapshotDecodeError(`unsupported wire type ${wire}`);
  };
  let remaining = 0;
  let revision = 0;
  let blob: Buffer = Buffer.alloc(0);
  while (at < buf.length) {
    const tag = varint();
    if (tag === 0x0a) {
      const stop = varint() + at;
      while (at < stop) {
        const t = varint();
        if (t === 0x18) revision = varint();
        else skip(t & 7);
      }
      at = stop;
    } else if (tag === 0x10) {
      remaining = varint();
    } else if (tag === 0x1a) {
      const len = varint();
      if (at + len > buf.length) throw new SnapshotDecodeError('truncated blob');
      blob = buf.subarray(at, at + len);
      at += len;
    } else {
      skip(tag & 7);
    }
  }
  if (at !== buf.length) throw new SnapshotDecodeError('truncated response');
  return { remaining, blob, revision };
}
