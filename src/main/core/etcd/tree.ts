/**
 * A folder's direct children by delimiter: sub-folders and keys, in key order, in a number of
 * round trips proportional to the children, not to the keys below them. Keys-only pages are read
 * from the folder's start; the first key under a sub-folder names that sub-folder, and the next
 * read starts after the sub-folder's whole range (prefixEnd of "<folder><name><delimiter>").
 * Reads are bounded windows sized from the gaps seen between children (see `read` below).
 */
import type { ChildrenRequest } from '../../../shared/contract';
import type { FolderChild, FolderChildren } from '../../../shared/types';
import { fromBuffer, prefixEnd, toBuffer } from './bytes';
import { failure } from './errors';
import { entryOf } from './range-page';
import { KeyScale, readRangeRaw } from './scan';
import type { EtcdSession } from './session';

/** Keys per read: direct keys of a folder come this many per round trip. */
const KEYS_PER_READ = 128;

/** A folder's key space as 64-bit numbers (the bytes after the folder), for window guesses. */
const DIGITS = 8;
/** The first window spans 1/65536 of the folder's key space; windows grow 16-fold while empty. */
const FIRST_SHIFT = 16n;
const GROWTH = 16n;

export function folderChildren(session: EtcdSession, req: ChildrenRequest): Promise<FolderChildren> {
  const folder = toBuffer(req.folder);
  const delimiter = toBuffer(req.delimiter);
  if (delimiter.length === 0) return Promise.reject(failure('INVALID_ARGUMENT', 'The delimiter is empty.', { field: 'delimiter' }));
  const start = folder.length === 0 ? Buffer.from([0]) : folder;
  // The whole keyspace ends at "\0" (open); a folder at its prefix end.
  const end = folder.length === 0 ? null : prefixEnd(folder);
  const bound: Buffer | null = end === null || (end.length === 1 && end[0] === 0) ? null : end;
  const scale = new KeyScale(folder, DIGITS);
  const firstUnits = scale.max >> FIRST_SHIFT;
  return session.run('read', async () => {
    const children: FolderChild[] = [];
    let cursor: Buffer | null = req.cursor ? toBuffer(req.cursor) : start;
    if (Buffer.compare(cursor, start) < 0) cursor = start;
    let revision = req.revision ?? 0;
    let roundTrips = 0;
    // Every read is a bounded window [from, to): etcd 3.4 walks the whole rest of a range to
    // count it whatever the limit, so a read open to the folder's end costs as much as the
    // keys after the cursor (the last of 20 sub-folders of 5,000 keys each: the 95,000 before it).
    const read = async (from: Buffer, to: Buffer | null, limit: number) => {
      roundTrips++;
      const page = await readRangeRaw(session, { key: from, end: to, limit, revision, keysOnly: true });
      if (revision === 0) revision = page.revision;
      return page;
    };
    const atEnd = (to: Buffer | null): boolean => to === bound || (to !== null && bound !== null && Buffer.compare(to, bound) >= 0);
    let units = firstUnits;
    while (cursor !== null && children.length < req.limit) {
      const from: Buffer = cursor;
      const to = scale.advance(from, units, bound);
      const page = await read(from, to, KEYS_PER_READ);
      if (page.length === 0) {
        // Nothing in this window: the next one starts where it ended and is wider.
        cursor = atEnd(to) ? null : to;
        units *= GROWTH;
        continue;
      }
      let jumped = false;
      for (let i = 0; i < page.length && children.length < req.limit; i++) {
        const key = page.key(i);
        const at = key.subarray(folder.length).indexOf(delimiter);
        if (at < 0) {
          children.push({ kind: 'key', ...entryOf(page, i, true, 0) });
          cursor = Buffer.concat([key, Buffer.from([0])]);
          continue;
        }
        const sub = Buffer.from(key.subarray(0, folder.length + at + delimiter.length));
        children.push({ kind: 'folder', prefix: fromBuffer(sub) });
        const after = prefixEnd(sub);
        // After the sub-folder's whole range; all 0xff: nothing can follow it.
        cursor = after.length === 1 && after[0] === 0 ? null : after;
        // The next sub-folder is probably about as far as this one was from the window's start.
        const gap = scale.num(sub) - scale.num(from);
        units = gap > 0n ? gap + gap / 2n : firstUnits;
        jumped = true;
        break;
      }
      if (!jumped && children.length < req.limit) {
        if (page.more) {
          // A crowded window: continue after its last key, in a narrower one.
          if (units > 1n) units /= 2n;
        } else {
          // Every key of the window read: go on after it.
          cursor = atEnd(to) ? null : to;
          if (page.length < KEYS_PER_READ / 4) units *= 4n;
        }
      }
      if (cursor !== null && bound !== null && Buffer.compare(cursor, bound) >= 0) cursor = null;
    }
    // Stopped at the limit: probes in growing windows say whether anything follows.
    let more = false;
    if (cursor !== null) {
      let from: Buffer | null = cursor;
      let probeUnits = units;
      while (from !== null) {
        const to = scale.advance(from, probeUnits, bound);
        if ((await read(from, to, 1)).length > 0) {
          more = true;
          break;
        }
        from = atEnd(to) ? null : to;
        probeUnits *= GROWTH;
      }
    }
    return { children, more, nextCursor: more && cursor ? fromBuffer(cursor) : null, revision, roundTrips };
  });
}
