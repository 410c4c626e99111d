import { type Bytes, fromUint8, toUint8 } from '../../../shared/bytes';

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export const toBuffer = (b: Bytes): Buffer => {
  const u = toUint8(b);
  return Buffer.from(u.buffer, u.byteOffset, u.byteLength);
};

export const fromBuffer = (buf: Buffer): Bytes => fromUint8(buf);

/**
 * The first `max` bytes of a value for a preview. A cut can split a UTF-8 sequence; we back
 * off to the last whole character so a text value still previews as text, not as base64.
 */
export function previewOf(value: Buffer, max: number): { preview: Bytes; truncated: boolean } {
  if (value.length <= max) return { preview: fromBuffer(value), truncated: false };
  for (let cut = max; cut >= Math.max(0, max - 3); cut--) {
    try {
      return { preview: { encoding: 'utf8', data: strict.decode(value.subarray(0, cut)) }, truncated: true };
    } catch {
      // not a character boundary (or not text at all): try one byte shorter
    }
  }
  return { preview: fromBuffer(value.subarray(0, max)), truncated: true };
}

/** The smallest key greater than every key with this prefix; [0] = "to the end of the keyspace". */
export function prefixEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i] < 0xff) {
      end[i]++;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]);
}
