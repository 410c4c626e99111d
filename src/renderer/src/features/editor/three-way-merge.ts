/**
 * The line-based three-way merge of a conflict: base (what the user started from), mine (the
 * draft) and theirs (what etcd holds now). Changes on one side only merge by themselves; changes
 * of both sides to the same lines are marked for the user with conflict markers. Pure: no React,
 * no store.
 */
import { diff3Merge } from 'node-diff3';

export const MARK_MINE = '<<<<<<< mine';
export const MARK_SEP = '=======';
export const MARK_THEIRS = '>>>>>>> theirs';

export interface TextMerge {
  /** The merged text: both sides' changes, with markers around each conflicting block. */
  readonly text: string;
  /** How many conflicting blocks the text holds (0: merged cleanly). */
  readonly conflicts: number;
}

/**
 * Line endings are kept: when all three texts use "\r\n", the merge runs on lines and joins them
 * with "\r\n" again (markers included); otherwise "\n" separates lines and a "\r" stays part of
 * its line.
 */
export function mergeText(base: string, mine: string, theirs: string): TextMerge {
  const crlf = [base, mine, theirs].every((t) => !t.includes('\n') || isCrlf(t)) && [base, mine, theirs].some((t) => t.includes('\r\n'));
  const eol = crlf ? '\r\n' : '\n';
  const lines = (t: string) => t.split(eol);
  const regions = diff3Merge(lines(mine), lines(base), lines(theirs), { excludeFalseConflicts: true });
  const out: string[] = [];
  let conflicts = 0;
  for (const r of regions) {
    if (r.ok) out.push(...r.ok);
    else if (r.conflict) {
      conflicts++;
      out.push(MARK_MINE, ...r.conflict.a, MARK_SEP, ...r.conflict.b, MARK_THEIRS);
    }
  }
  return { text: out.join(eol), conflicts };
}

function isCrlf(t: string): boolean {
  const lf = t.split('\n').length - 1;
  const crlf = t.split('\r\n').length - 1;
  return lf === crlf;
}

const countLine = (t: string, marker: string): number => {
  let n = 0;
  for (const line of t.split('\n')) if ((line.endsWith('\r') ? line.slice(0, -1) : line) === marker) n++;
  return n;
};

/**
 * How many conflict blocks are left in `merged`: lines "<<<<<<< mine" or ">>>>>>> theirs" that
 * the merge put there. Marker lines the inputs already held (a value may quote them) do not
 * count, so such a value can still be saved.
 */
export function remainingConflicts(merged: string, inputs: readonly string[] = []): number {
  const own = (marker: string) => Math.max(0, ...inputs.map((t) => countLine(t, marker)));
  const starts = countLine(merged, MARK_MINE) - own(MARK_MINE);
  const ends = countLine(merged, MARK_THEIRS) - own(MARK_THEIRS);
  return Math.max(0, starts, ends);
}
