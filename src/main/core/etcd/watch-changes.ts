/**
 * etcd watch events as WatchChanges: keys and values as Bytes (strict UTF-8 text, else base64,
 * exactly as listings give them), never decoded lossily.
 */
import type { IEvent, IKeyValue } from 'etcd3';
import type { WatchChange } from '../../../shared/types';
import { bytesOf, previewOfSlice } from './range-page';

/** What a put carries: a preview of so many bytes (grid watches) or the whole value (key watches). */
export type WatchValues = { readonly kind: 'preview'; readonly previewBytes: number } | { readonly kind: 'whole' };

const EMPTY = Buffer.alloc(0);

/** The exact identity of a key for coalescing: its bytes as latin1 text. */
export const keyId = (key: Buffer): string => key.toString('latin1');

const num = (v: string | number | undefined | null): number => Number(v ?? 0);

/**
 * A put carries the new value's meta, size and preview or value; a delete carries the revision
 * of the delete as `modRevision` and the meta and size of the value deleted (from prev_kv, when
 * etcd still had it).
 */
export function changeOf(ev: IEvent, values: WatchValues): WatchChange {
  const kv: IKeyValue = ev.kv;
  const key = bytesOf(kv.key ?? EMPTY);
  if (String(ev.type) === 'Delete' || String(ev.type) === '1') {
    const prev = ev.prev_kv as IKeyValue | null | undefined;
    return {
      type: 'delete',
      key,
      modRevision: num(kv.mod_revision),
      createRevision: prev ? num(prev.create_revision) : 0,
      version: prev ? num(prev.version) : 0,
      lease: prev ? String(prev.lease ?? '0') : '0',
      ...(prev ? { size: prev.value?.length ?? 0 } : {}),
    };
  }
  const value = kv.value ?? EMPTY;
  const base = {
    type: 'put' as const,
    key,
    createRevision: num(kv.create_revision),
    modRevision: num(kv.mod_revision),
    version: num(kv.version),
    lease: String(kv.lease ?? '0'),
    size: value.length,
  };
  if (values.kind === 'whole') return { ...base, value: bytesOf(value) };
  const { preview, truncated } = previewOfSlice(value, 0, value.length, values.previewBytes);
  return { ...base, preview, truncated };
}
