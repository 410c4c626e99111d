/**
 * A folder's direct children by delimiter: sub-folders and keys, in key order, in a number of
 * round trips proportional to the children, not to the keys below them. Keys-only pages are read
 * from the folder's start; the first key under a sub-folder names that sub-folder, and the next
 * read starts after the sub-folder's whole range (prefixEnd of "<folder><name><delimiter>").
 */
import type { ChildrenRequest } from '../../../shared/contract';
import type { FolderChild, FolderChildren } from '../../../shared/types';
import { fromBuffer, prefixEnd, toBuffer } from './bytes';
import { failure } from './errors';
import { entryOf } from './range-page';
import { readRangeRaw } from './scan';
import type { EtcdSession } from './session';

/** Keys per read: direct keys of a folder come this many per round trip. */
const KEYS_PER_READ = 128;

export function folderChildren(session: EtcdSession, req: ChildrenRequest): Promise<FolderChildren> {
  const folder = toBuffer(req.folder);
  const delimiter = toBuffer(req.delimiter);
  if (delimiter.length === 0) return Promise.reject(failure('INVALID_ARGUMENT', 'The delimiter is empty.', { field: 'delimiter' }));
  const start = folder.length === 0 ? Buffer.from([0]) : folder;
  // The whole keyspace ends at "\0" (open); a folder at its prefix end.
  const end = folder.length === 0 ? null : prefixEnd(folder);
  const openEnd = end === null || (end.length === 1 && end[0] === 0);
  return session.run('read', async () => {
    const children: FolderChild[] = [];
    let cursor: Buffer | null = req.cursor ? toBuffer(req.cursor) : start;
    if (Buffer.compare(cursor, start) < 0) cursor = start;
    let revision = req.revision ?? 0;
    let roundTrips = 0;
    const read = async (from: Buffer, limit: number) => {
      roundTrips++;
      const page = await readRangeRaw(session, { key: from, end: openEnd ? null : end, limit, revision, keysOnly: true });
      if (revision === 0) revision = page.revision;
      return page;
    };
    while (cursor !== null && children.length < req.limit) {
      const page = await read(cursor, KEYS_PER_READ);
      if (page.length === 0) {
        cursor = null;
        break;
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
        jumped = true;
        break;
      }
      if (!jumped && !page.more && children.length < req.limit) cursor = null;
      if (cursor !== null && !openEnd && Buffer.compare(cursor, end!) >= 0) cursor = null;
    }
    // Stopped at the limit: one key-only probe says whether anything follows.
    const more = cursor !== null && (await read(cursor, 1)).length > 0;
    return { children, more, nextCursor: more && cursor ? fromBuffer(cursor) : null, revision, roundTrips };
  });
}
