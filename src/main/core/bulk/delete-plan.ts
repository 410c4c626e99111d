/**
 * Counting what a bulk delete will remove, before the user confirms: the exact keys and their
 * mod revisions at one revision (the delete compares each one, so a key written after the count
 * is never removed), and whether Undo will be possible.
 *
 * Undo needs the previous values, which a keys-only read does not give; the plan reads values
 * to sum their sizes (keeping none of them) until the sum passes UNDO_CAP_BYTES, then keys only.
 * So the dialog says before anything is deleted whether Undo will exist. Because every delete
 * compares the counted mod revision, the values it removes are exactly the ones measured.
 */
import { BULK_DELETE_MAX_KEYS, type BulkSource, type DeletePlan } from '../../../shared/contract/bulk';
import { toBuffer } from '../etcd/bytes';
import { failure } from '../etcd/errors';
import { bytesOf } from '../etcd/range-page';
import { scan } from '../etcd/scan';
import type { EtcdSession } from '../etcd/session';
import type { BulkState, PlannedKey } from './bulk-state';
import { countPrefix, readNamed } from './reads';

const SAMPLE_KEYS = 10;
const MiB = 1024 * 1024;

/** Thrown inside a scan's page callback to stop it: the values passed the undo cap. */
class OverCap extends Error {}

export async function planDelete(session: EtcdSession, state: BulkState, source: BulkSource): Promise<DeletePlan> {
  let keys: PlannedKey[];
  let revision: number;
  let missing = 0;
  let valuesComplete: boolean;
  let prefix: Buffer | undefined;
  if (source.kind === 'prefix') {
    prefix = toBuffer(source.prefix);
    const counted = await countPrefix(session, prefix);
    if (counted.count > BULK_DELETE_MAX_KEYS) {
      throw failure(
        'TOO_LARGE',
        `This prefix holds ${counted.count.toLocaleString('en-US')} keys; a bulk delete removes at most ${BULK_DELETE_MAX_KEYS.toLocaleString('en-US')}. Delete a narrower prefix (a sub-folder) first. Nothing was deleted.`,
        { size: counted.count, limit: BULK_DELETE_MAX_KEYS },
      );
    }
    revision = counted.revision;
    ({ keys, valuesComplete } = await scanPrefix(session, prefix, revision, state.undoCapBytes));
  } else {
    const names = uniqueSorted(source.keys.map(toBuffer));
    if (names.some((k) => k.length === 0)) throw failure('INVALID_ARGUMENT', 'One of the selected keys is empty.', { field: 'keys' });
    const r = await readNamed(session, names, { withValues: true, valueBudget: state.undoCapBytes });
    revision = r.revision;
    valuesComplete = r.valuesComplete;
    keys = [];
    for (const { key, kv } of r.reads) {
      if (!kv) missing++;
      else keys.push({ key, modRevision: Number(kv.mod_revision), bytes: valuesComplete ? key.length + kv.value.length : 0 });
    }
  }
  const bytes = keys.reduce((n, k) => n + k.bytes, 0);
  const cap = state.undoCapBytes;
  const undoAvailable = valuesComplete && bytes <= cap;
  const confirmWith = [String(keys.length)];
  if (prefix && prefix.length > 0 && source.kind === 'prefix' && source.prefix.encoding === 'utf8') confirmWith.unshift(source.prefix.data);
  const undoUnavailableReason = undoAvailable
    ? undefined
    : `Undo is not available for this delete: the values of these keys take more than ${cap >= MiB ? `${cap / MiB} MiB` : `${cap} bytes`}, the most the app keeps for Undo.`;
  const stored = state.addPlan({ prefix, keys, revision, confirmWith, undoAvailable, ...(undoUnavailableReason ? { undoUnavailableReason } : {}) });
  return {
    planId: stored.planId,
    count: keys.length,
    revision,
    sample: keys.slice(0, SAMPLE_KEYS).map((k) => bytesOf(k.key)),
    missing,
    bytes: valuesComplete ? bytes : 0,
    undoAvailable,
    ...(undoUnavailableReason ? { undoUnavailableReason } : {}),
    confirmWith,
  };
}

/** Every key under the prefix at the revision, with sizes while they stay under the undo cap. */
async function scanPrefix(session: EtcdSession, prefix: Buffer, revision: number, cap: number): Promise<{ keys: PlannedKey[]; valuesComplete: boolean }> {
  const keys: PlannedKey[] = [];
  let bytes = 0;
  try {
    await scan(session, { prefix, revision }, (page) => {
      for (let i = 0; i < page.length; i++) {
        const key = Buffer.from(page.key(i));
        const size = key.length + page.valueSize(i);
        bytes += size;
        keys.push({ key, modRevision: page.modRevision(i), bytes: size });
      }
      if (bytes > cap) throw new OverCap();
    });
    return { keys, valuesComplete: true };
  } catch (err) {
    if (!(err instanceof OverCap)) throw err;
  }
  // Over the cap: the keys again without values, at the same revision.
  keys.length = 0;
  await scan(session, { prefix, revision, keysOnly: true }, (page) => {
    for (let i = 0; i < page.length; i++) keys.push({ key: Buffer.from(page.key(i)), modRevision: page.modRevision(i), bytes: 0 });
  });
  return { keys, valuesComplete: false };
}

function uniqueSorted(keys: Buffer[]): Buffer[] {
  const sorted = [...keys].sort(Buffer.compare);
  return sorted.filter((k, i) => i === 0 || !k.equals(sorted[i - 1]));
}
