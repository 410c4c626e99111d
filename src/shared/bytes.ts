/**
 * Keys and values are bytes. On the wire they travel as UTF-8 text when the bytes are
 * valid UTF-8 (so people and logs can read them) and as base64 otherwise, so any byte
 * sequence round-trips exactly. Works in Node and in the browser (no Buffer).
 */
export type Bytes = { readonly encoding: 'utf8'; readonly data: string } | { readonly encoding: 'base64'; readonly data: string };

const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

export const text = (s: string): Bytes => ({ encoding: 'utf8', data: s });

export function fromUint8(bytes: Uint8Array): Bytes {
  try {
    return { encoding: 'utf8', data: strictDecoder.decode(bytes) };
  } catch {
    return { encoding: 'base64', data: uint8ToBase64(bytes) };
  }
}

export function toUint8(b: Bytes): Uint8Array {
  return b.encoding === 'utf8' ? encoder.encode(b.data) : base64ToUint8(b.data);
}

/** Byte length without materialising the bytes when we can avoid it. */
export function byteLength(b: Bytes): number {
  if (b.encoding === 'utf8') return encoder.encode(b.data).length;
  const s = b.data;
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  return Math.floor((s.length * 3) / 4) - pad;
}

export function isText(b: Bytes): boolean {
  return b.encoding === 'utf8';
}

export function bytesEqual(a: Bytes, b: Bytes): boolean {
  if (a.encoding === b.encoding) return a.data === b.data;
  const x = toUint8(a);
  const y = toUint8(b);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

export function toHex(bytes: Uint8Array, max = Infinity): string {
  const n = Math.min(bytes.length, max);
  let out = '';
  for (let i = 0; i < n; i++) out += (i && i % 16 === 0 ? '\n' : i ? ' ' : '') + bytes[i].toString(16).padStart(2, '0');
  return out;
}

/** A short, always-printable rendering for grids and messages; never used to write data back. */
export function displayBytes(b: Bytes, max = 200): string {
  if (b.encoding === 'utf8') return b.data.length > max ? `${b.data.slice(0, max)}…` : b.data;
  const raw = toUint8(b);
  return `0x${toHex(raw, Math.ceil(max / 3)).replace(/[\s]/g, '')}${raw.length > max / 3 ? '…' : ''}`;
}

export function uint8ToBase64(bytes: Uint8Array): string {
  let bin = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) bin += String.fromCharCode(...bytes.subarray(i, i + chunk));
  return btoa(bin);
}

export function base64ToUint8(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
