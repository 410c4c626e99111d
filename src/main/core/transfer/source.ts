/**
 * An import file as a stream of keys and values, whichever format it is in (told apart by its
 * first line): the etcd desktop export format, or `etcdctl get -w json` output. Never holds more
 * than one read chunk and one entry.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Bytes } from '../../../shared/bytes';
import type { TransferFormat } from '../../../shared/transfer-reports';
import { failure } from '../etcd/errors';
import { fromBuffer } from '../etcd/bytes';
import { readEtcdctlJson } from './etcdctl-json';
import { bytesOfField, FieldError, FORMAT_NAME, MalformedLine, parseEntry, parseHeader } from './format';
import { readLines } from './lines';

export interface ImportEntry {
  /** 0-based position among the file's keys. */
  readonly index: number;
  /** 1-based line (etcd desktop format), or the line where the entry starts (etcdctl JSON). */
  readonly line: number;
  readonly key: Buffer;
  readonly value: Buffer;
}

export interface SourceInfo {
  readonly format: TransferFormat;
  readonly cluster?: string;
  readonly revision?: number;
  readonly prefix?: Bytes;
  /** Keys the file says it holds (etcd desktop format). */
  readonly count?: number;
}

export interface ImportSource {
  readonly size: number;
  readonly mtimeMs: number;
  /** Known once the first line (or etcdctl's header) has been read. */
  info(): SourceInfo;
  /** Bytes read so far (for progress). */
  bytesRead(): number;
  /** Entries of etcdctl output with no "value" field so far. */
  valuesAbsent(): number;
  entries(): AsyncGenerator<ImportEntry>;
}

const CHUNK = 1024 * 1024;

/** Opens `path` for reading; NOT_FOUND / INVALID_ARGUMENT in words when it cannot be read. */
export async function openSource(path: string, signal?: AbortSignal): Promise<ImportSource> {
  let st;
  try {
    st = await stat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw failure(code === 'ENOENT' ? 'NOT_FOUND' : 'INVALID_ARGUMENT', code === 'ENOENT' ? 'The file does not exist.' : `The file cannot be read (${code ?? 'error'}).`, { field: 'path' });
  }
  if (!st.isFile()) throw failure('INVALID_ARGUMENT', 'That path is not a file.', { field: 'path' });
  let read = 0;
  let absent = 0;
  let info: SourceInfo | undefined;

  async function* chunks(): AsyncGenerator<Buffer> {
    const stream = createReadStream(path, { highWaterMark: CHUNK, ...(signal ? { signal } : {}) });
    try {
      for await (const c of stream as AsyncIterable<Buffer>) {
        read += c.length;
        yield c;
      }
    } catch (err) {
      if (signal?.aborted) return;
      const code = (err as NodeJS.ErrnoException).code;
      throw failure('INVALID_ARGUMENT', `The file could not be read to the end (${code ?? 'error'}).`, { field: 'path' });
    } finally {
      stream.destroy();
    }
  }

  async function* entries(): AsyncGenerator<ImportEntry> {
    const it = chunks();
    const first = await it.next();
    if (first.done) throw new MalformedLine(1, 'is missing: the file is empty');
    const head = first.value;
    const all = (async function* () {
      yield head;
      yield* it;
    })();
    if (!looksLikeOurs(head)) {
      info = { format: 'etcdctl-json' };
      let index = 0;
      for await (const e of readEtcdctlJson(all, (h) => {
        info = {
          format: 'etcdctl-json',
          ...(h.cluster_id && /^[0-9]+$/.test(h.cluster_id) ? { cluster: BigInt(h.cluster_id).toString(16) } : {}),
          ...(h.revision && /^[0-9]+$/.test(h.revision) ? { revision: Number(h.revision) } : {}),
        };
      })) {
        if (e.valueAbsent) absent++;
        yield { index: index++, line: e.line, key: e.key, value: e.value };
      }
      return;
    }
    let index = 0;
    for await (const l of readLines(all)) {
      if (l.line === 1) {
        const h = parseHeader(l.text);
        let prefix: Bytes | undefined;
        try {
          prefix = h.prefix ? fromBuffer(bytesOfField(h.prefix, '"prefix"')) : undefined;
        } catch (err) {
          if (err instanceof FieldError) throw new MalformedLine(1, `is not valid: ${err.message}`);
          throw err;
        }
        info = {
          format: 'etcd-desktop',
          ...(typeof h.cluster === 'string' ? { cluster: h.cluster } : {}),
          ...(typeof h.revision === 'number' ? { revision: h.revision } : {}),
          ...(prefix ? { prefix } : {}),
          ...(typeof h.count === 'number' ? { count: h.count } : {}),
        };
        continue;
      }
      if (l.text.trim() === '') continue;
      const e = parseEntry(l.text, l.line);
      yield { index: index++, line: l.line, key: e.key, value: e.value };
    }
  }

  return {
    size: st.size,
    mtimeMs: st.mtimeMs,
    info: () => info ?? { format: 'etcd-desktop' },
    bytesRead: () => read,
    valuesAbsent: () => absent,
    entries,
  };
}

/** Our files start with a header line naming the format; etcdctl's JSON starts with `{"header"`. */
function looksLikeOurs(head: Buffer): boolean {
  const nl = head.indexOf(0x0a);
  const first = head.toString('utf8', 0, nl < 0 ? Math.min(head.length, 4096) : nl);
  return first.includes(`"${FORMAT_NAME}"`) && /"format"\s*:/.test(first);
}
