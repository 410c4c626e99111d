/** Pure helpers of the history views: wording by error code, how a value is shown in a diff. */
import type { Bytes } from '../../../../shared/bytes';
import { toUint8 } from '../../../../shared/bytes';
import type { AppError } from '../../../../shared/result';
import { describeError, type ErrorContext } from '../../ui/messages';
import { hexDump } from '../editor/HexView';

/** A value as the diff shows it: text as text, anything else as a hex dump (both sides alike). */
export function diffText(a: Bytes, b: Bytes): { a: string; b: string; binary: boolean } {
  if (a.encoding === 'utf8' && b.encoding === 'utf8') return { a: a.data, b: b.data, binary: false };
  return { a: hexDump(toUint8(a)), b: hexDump(toUint8(b)), binary: true };
}

/** The sentence for a history failure, by code; other codes as everywhere else. */
export function historyErrorText(error: AppError, what: 'versions' | 'value' | 'restore' | 'deleted' | 'undelete', context: ErrorContext = {}): string {
  switch (error.code) {
    case 'CONFLICT': {
      const now = error.details?.currentModRevision;
      if (what === 'undelete') return `Not restored: the key exists again${now ? ` (revision ${now})` : ''}. Nothing was overwritten.`;
      return now === 0
        ? 'Not restored: the key was deleted since the history was read. Nothing was written; reload the history and try again.'
        : `Not restored: the key changed since the history was read${now ? ` (it is now at revision ${now})` : ''}. Nothing was overwritten; reload the history and try again.`;
    }
    case 'COMPACTED':
      return what === 'deleted'
        ? 'etcd no longer holds the deletes from that far back (compacted). Choose a later revision.'
        : 'That revision was compacted: etcd no longer holds its value.';
    case 'NOT_FOUND':
      return 'The key did not exist at that revision.';
    default:
      return describeError(error, context).title;
  }
}
