/**
 * The byte ranges that differ between two values, for the edit's diff view: common prefix and
 * suffix trimmed, then Myers' O((N+M)·D) shortest edit script on what is left, so a label edit
 * shows as the label plus the few length bytes of the messages around it. Past `maxEdits`
 * differing bytes the middle is reported as one replaced range (still exact, only coarser).
 */
import type { K8sByteChange } from '../../../shared/k8s';

/** Hex shown per side of a change; the lengths always say the whole size. */
export const CHANGE_HEX_MAX = 256;

export function byteChanges(a: Uint8Array, b: Uint8Array, maxEdits = 2000): K8sByteChange[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  if (start === endA && start === endB) return [];
  const hunks = myers(a.subarray(start, endA), b.subarray(start, endB), maxEdits) ?? [{ a: 0, aEnd: endA - start, b: 0, bEnd: endB - start }];
  return hunks.map((h) => change(a.subarray(start + h.a, start + h.aEnd), b.subarray(start + h.b, start + h.bEnd), start + h.a));
}

interface Hunk {
  a: number;
  aEnd: number;
  b: number;
  bEnd: number;
}

function change(removed: Uint8Array, added: Uint8Array, offset: number): K8sByteChange {
  return { offset, removed: hex(removed), added: hex(added), removedLength: removed.length, addedLength: added.length };
}

function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, Math.min(b.length, CHANGE_HEX_MAX)).toString('hex');
}

/** Hunks of the shortest edit script, or undefined when it needs more than maxD edits. */
function myers(a: Uint8Array, b: Uint8Array, maxD: number): Hunk[] | undefined {
  const n = a.length;
  const m = b.length;
  const limit = Math.min(maxD, n + m);
  const off = limit + 1;
  const v = new Int32Array(2 * limit + 3);
  const trace: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= limit && found < 0; d++) {
    trace.push(v.slice(off - d - 1, off + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1] < v[off + k + 1]) ? v[off + k + 1] : v[off + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[off + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
  }
  if (found < 0) return undefined;
  // Walk back from (n, m), collecting one-byte edits, then merge adjacent ones into hunks.
  const edits: { x: number; y: number; del: boolean }[] = [];
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    const prev = trace[d];
    const at = (k: number) => prev[k + d + 1];
    const k = x - y;
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1));
    const prevK = down ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    edits.push(down ? { x: prevX, y: prevY, del: false } : { x: prevX, y: prevY, del: true });
    x = prevX;
    y = prevY;
  }
  edits.reverse();
  const hunks: Hunk[] = [];
  for (const e of edits) {
    const last = hunks[hunks.length - 1];
    const aEnd = e.x + (e.del ? 1 : 0);
    const bEnd = e.y + (e.del ? 0 : 1);
    if (last && last.aEnd === e.x && last.bEnd === e.y) {
      last.aEnd = aEnd;
      last.bEnd = bEnd;
    } else hunks.push({ a: e.x, aEnd, b: e.y, bEnd });
  }
  return hunks;
}
