/** What a draft stands for in bytes, and whether it differs from the loaded value. */
import type { Bytes } from '../../../../shared/bytes';
import { base64ToUint8, fromUint8, text, toUint8, uint8ToBase64 } from '../../../../shared/bytes';
import type { AppError } from '../../../../shared/result';
import type { KeyValue } from '../../../../shared/types';

/**
 * text: a UTF-8 value edited in the text editor.
 * binary: a non-UTF-8 value, shown read-only (hex + base64).
 * base64: a non-UTF-8 value edited as base64; saving writes exactly the decoded bytes.
 */
export type DraftKind = 'text' | 'binary' | 'base64';

const B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function normalizeBase64(s: string): string | null {
  const compact = s.replace(/\s+/g, '');
  return B64.test(compact) ? compact : null;
}

/** The value the draft stands for, or why it stands for none (shown by its code, like any failure). */
export function draftValue(draft: string, kind: DraftKind): { value: Bytes } | { error: AppError } {
  if (kind === 'base64') {
    const b64 = normalizeBase64(draft);
    if (b64 === null) {
      return { error: { code: 'INVALID_ARGUMENT', message: 'it is not valid base64 (A–Z, a–z, 0–9, +, / and = padding)', details: { field: 'base64 draft' } } };
    }
    // Exactly the decoded bytes; sent as text when they happen to be UTF-8.
    return { value: fromUint8(base64ToUint8(b64)) };
  }
  return { value: text(draft) };
}

/** The exact bytes of a value as base64. */
export function base64Of(value: Bytes): string {
  return value.encoding === 'base64' ? value.data : uint8ToBase64(toUint8(value));
}

export function computeDirty(loaded: KeyValue | null, draft: string, kind: DraftKind): boolean {
  if (kind === 'binary') return false;
  if (!loaded) return draft.length > 0;
  if (kind === 'base64') return (normalizeBase64(draft) ?? draft) !== base64Of(loaded.value);
  return loaded.value.encoding !== 'utf8' || draft !== loaded.value.data;
}
