/**
 * A minimal protobuf wire-format reader: varints, fixed32/fixed64 and length-delimited fields.
 * Offsets are absolute positions in the buffer handed in, so an error can name the byte where a
 * value stops making sense.
 */

export class WireError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'WireError';
  }
}

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_BYTES = 2;
export const WIRE_FIXED32 = 5;

export interface RawField {
  field: number;
  wireType: number;
  /** Offset of the tag (start of the whole field). */
  start: number;
  /** Offset just past the field. */
  end: number;
  /** Varint value (wire type 0). */
  varint?: bigint;
  /** Payload offsets for wire types 1, 2 and 5. */
  valueStart?: number;
  valueEnd?: number;
}

export function readVarint(buf: Uint8Array, pos: number, end: number): { value: bigint; next: number } {
  let result = 0n;
  let shift = 0n;
  const start = pos;
  for (let i = 0; i < 10; i++) {
    if (pos >= end) throw new WireError('truncated varint', start);
    const b = buf[pos++];
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return { value: BigInt.asUintN(64, result), next: pos };
    shift += 7n;
  }
  throw new WireError('varint longer than 10 bytes', start);
}

/** Splits buf[start, end) into fields; throws WireError on any malformed or truncated field. */
export function readFields(buf: Uint8Array, start: number, end: number): RawField[] {
  const out: RawField[] = [];
  let pos = start;
  while (pos < end) {
    const fieldStart = pos;
    const tag = readVarint(buf, pos, end);
    pos = tag.next;
    const field = Number(tag.value >> 3n);
    const wireType = Number(tag.value & 7n);
    if (field === 0) throw new WireError('field number 0', fieldStart);
    switch (wireType) {
      case WIRE_VARINT: {
        const v = readVarint(buf, pos, end);
        pos = v.next;
        out.push({ field, wireType, start: fieldStart, end: pos, varint: v.value });
        break;
      }
      case WIRE_FIXED64:
      case WIRE_FIXED32: {
        const n = wireType === WIRE_FIXED64 ? 8 : 4;
        if (pos + n > end) throw new WireError(`truncated fixed${n * 8} field ${field}`, fieldStart);
        out.push({ field, wireType, start: fieldStart, end: pos + n, valueStart: pos, valueEnd: pos + n });
        pos += n;
        break;
      }
      case WIRE_BYTES: {
        const len = readVarint(buf, pos, end);
        pos = len.next;
        if (len.value > BigInt(end - pos)) {
          throw new WireError(`field ${field} claims ${len.value} bytes but only ${end - pos} remain`, fieldStart);
        }
        const n = Number(len.value);
        out.push({ field, wireType, start: fieldStart, end: pos + n, valueStart: pos, valueEnd: pos + n });
        pos += n;
        break;
      }
      default:
        throw new WireError(`unsupported wire type ${wireType} for field ${field}`, fieldStart);
    }
  }
  return out;
}
