/**
 * The export file format, "etcd-desktop-export" version 1 (docs/file-format.md): JSON Lines, a
 * header line, then one line per key. Keys and values are written as `{"utf8": text}` when their
 * bytes are valid UTF-8 and `{"base64": text}` otherwise, so any bytes round-trip exactly; the
 * revisions and the lease (id and remaining TTL at export time) are metadata, never imported.
 */
import { isUtf8 } from 'node:buffer';
import { isStrictBase64 } from '../../../shared/contract/schemas';

export const FORMAT_NAME = 'etcd-desktop-export';
export const FORMAT_VERSION = 1;

/** Bytes as the file writes them: exactly one of the two fields. */
export type FileBytes = { readonly utf8: string } | { readonly base64: string };

export interface FileHeader {
  readonly format: typeof FORMAT_NAME;
  readonly version: number;
  /** The source cluster's id in hex (etcd's header.cluster_id). */
  readonly cluster: string;
  /** Every key was read at this revision. */
  readonly revision: number;
  /** What was exported: a prefix ({"utf8": ""} = the whole keyspace) or a selection of keys. */
  readonly prefix?: FileBytes;
  readonly selection?: boolean;
  /** Keys in the file (a prefix export; a selection leaves out keys that did not exist). */
  readonly count?: number;
  readonly exportedAt: string;
}

export interface FileEntry {
  readonly key: FileBytes;
  readonly value: FileBytes;
  readonly createRevision: number;
  readonly modRevision: number;
  readonly version: number;
  /** Decimal lease id (all 64 bits; absent: no lease). Metadata only. */
  readonly lease?: string;
  /** Seconds the lease had left when exported (-1: it expired meanwhile). Metadata only. */
  readonly leaseTtl?: number;
}

/** A line the reader could not accept; `line` is 1-based. */
export class MalformedLine extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
    this.name = 'MalformedLine';
  }
}

export const fileBytes = (buf: Buffer): FileBytes => (isUtf8(buf) ? { utf8: buf.toString('utf8') } : { base64: buf.toString('base64') });

export const headerLine = (h: Omit<FileHeader, 'format' | 'version'>): string =>
  `${JSON.stringify({ format: FORMAT_NAME, version: FORMAT_VERSION, ...h })}\n`;

export function entryLine(e: {
  key: Buffer;
  value: Buffer;
  createRevision: number;
  modRevision: number;
  version: number;
  lease?: string;
  leaseTtl?: number;
}): string {
  const o: FileEntry = {
    key: fileBytes(e.key),
    value: fileBytes(e.value),
    createRevision: e.createRevision,
    modRevision: e.modRevision,
    version: e.version,
    ...(e.lease && e.lease !== '0' ? { lease: e.lease, leaseTtl: e.leaseTtl ?? -1 } : {}),
  };
  return `${JSON.stringify(o)}\n`;
}

// Lone UTF-16 surrogates (from \ud800-style escapes) have no UTF-8 form: Buffer.from would
// silently turn them into U+FFFD, which is not the bytes the file meant.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** What is wrong with one field of a line (becomes a MalformedLine with the line's number). */
export class FieldError extends Error {}

const bad = (reason: string): FieldError => new FieldError(reason);

/** The bytes a `{utf8}`/`{base64}` field stands for; throws FieldError when it is not one. */
export function bytesOfField(v: unknown, what: string): Buffer {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw bad(`${what} is not an object like {"utf8": "..."} or {"base64": "..."}`);
  const o = v as Record<string, unknown>;
  const hasText = Object.hasOwn(o, 'utf8');
  const has64 = Object.hasOwn(o, 'base64');
  if (hasText === has64) throw bad(`${what} must have exactly one of "utf8" and "base64"`);
  const s = hasText ? o.utf8 : o.base64;
  if (typeof s !== 'string') throw bad(`${what}.${hasText ? 'utf8' : 'base64'} is not a string`);
  if (hasText) {
    if (LONE_SURROGATE.test(s)) throw bad(`${what}.utf8 holds a lone surrogate (not text): write such bytes as base64`);
    return Buffer.from(s, 'utf8');
  }
  if (!isStrictBase64(s)) throw bad(`${what}.base64 is not valid base64`);
  return Buffer.from(s, 'base64');
}

export interface ParsedEntry {
  readonly key: Buffer;
  readonly value: Buffer;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Parses the first line; throws MalformedLine when it is not this format's header. */
export function parseHeader(text: string, line = 1): FileHeader {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new MalformedLine(line, 'is not JSON');
  }
  if (!isObject(v) || v.format !== FORMAT_NAME) throw new MalformedLine(line, `is not an ${FORMAT_NAME} header`);
  if (typeof v.version !== 'number' || !Number.isInteger(v.version) || v.version < 1) throw new MalformedLine(line, 'has no valid "version"');
  if (v.version > FORMAT_VERSION) {
    throw new MalformedLine(line, `says format version ${v.version}; this app reads version ${FORMAT_VERSION} (the file was made by a newer version)`);
  }
  return v as unknown as FileHeader;
}

/** Parses one key line; throws MalformedLine with the reason. Unknown fields are ignored. */
export function parseEntry(text: string, line: number): ParsedEntry {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new MalformedLine(line, 'is not JSON');
  }
  if (!isObject(v)) throw new MalformedLine(line, 'is not a JSON object');
  try {
    const key = bytesOfField(v.key, '"key"');
    if (key.length === 0) throw bad('"key" is empty (etcd has no empty key)');
    const value = bytesOfField(v.value, '"value"');
    return { key, value };
  } catch (err) {
    if (err instanceof FieldError) throw new MalformedLine(line, `is not valid: ${err.message}`);
    throw err;
  }
}
