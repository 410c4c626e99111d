import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MARK_MINE, MARK_SEP, MARK_THEIRS, mergeText, remainingConflicts } from '../../../src/renderer/src/features/editor/three-way-merge';

const base = 'host: db-1\nport: 5432\npool: 10\ntimeout: 30s\n';

describe('three-way merge (lines)', () => {
  it('merges changes to different lines by themselves', () => {
    const mine = 'host: db-1\nport: 6432\npool: 10\ntimeout: 30s\n';
    const theirs = 'host: db-1\nport: 5432\npool: 10\ntimeout: 60s\n';
    expect(mergeText(base, mine, theirs)).toEqual({ text: 'host: db-1\nport: 6432\npool: 10\ntimeout: 60s\n', conflicts: 0 });
  });

  it('takes a change made by one side only, and the same change made by both once', () => {
    const changed = base.replace('pool: 10', 'pool: 40');
    expect(mergeText(base, base, changed)).toEqual({ text: changed, conflicts: 0 });
    expect(mergeText(base, changed, base)).toEqual({ text: changed, conflicts: 0 });
    expect(mergeText(base, changed, changed)).toEqual({ text: changed, conflicts: 0 });
  });

  it('marks overlapping changes with mine / theirs markers, non-overlapping ones merged around them', () => {
    const mine = base.replace('pool: 10', 'pool: 20').replace('host: db-1', 'host: db-2');
    const theirs = base.replace('pool: 10', 'pool: 40');
    const m = mergeText(base, mine, theirs);
    expect(m.conflicts).toBe(1);
    expect(m.text).toBe(['host: db-2', 'port: 5432', MARK_MINE, 'pool: 20', MARK_SEP, 'pool: 40', MARK_THEIRS, 'timeout: 30s', ''].join('\n'));
  });

  it('keeps separate overlapping regions as separate blocks, with the lines in between merged', () => {
    const b = 'a\nb\nc\nd\ne\n';
    const mine = 'A1\nb\nc\nd\nE1\n';
    const theirs = 'A2\nb\nc\nd\nE2\n';
    const m = mergeText(b, mine, theirs);
    expect(m.conflicts).toBe(2);
    expect(m.text).toBe(
      [MARK_MINE, 'A1', MARK_SEP, 'A2', MARK_THEIRS, 'b', 'c', 'd', MARK_MINE, 'E1', MARK_SEP, 'E2', MARK_THEIRS, ''].join('\n'),
    );
    expect(remainingConflicts(m.text)).toBe(2);
  });

  it('keeps CRLF line endings, markers included', () => {
    const m = mergeText('a\r\nb\r\nc', 'A\r\nb\r\nc', 'a\r\nb\r\nC');
    expect(m).toEqual({ text: 'A\r\nb\r\nC', conflicts: 0 });
    const x = mergeText('a\r\nb', 'x\r\nb', 'y\r\nb');
    expect(x.text).toBe([MARK_MINE, 'x', MARK_SEP, 'y', MARK_THEIRS, 'b'].join('\r\n'));
    expect(remainingConflicts(x.text)).toBe(1);
  });

  it('with no base (both created the key) everything that differs is one conflict', () => {
    expect(mergeText('', 'x', 'y')).toEqual({ text: [MARK_MINE, 'x', MARK_SEP, 'y', MARK_THEIRS].join('\n'), conflicts: 1 });
  });

  it('counts markers the merge left, not marker lines the inputs already held', () => {
    const quoted = `doc\n${MARK_MINE}\nquoted\n${MARK_THEIRS}\n`;
    expect(remainingConflicts(quoted, [quoted])).toBe(0);
    expect(remainingConflicts(quoted, [])).toBe(1);
    expect(remainingConflicts('done\n')).toBe(0);
    // A half-removed block still counts.
    expect(remainingConflicts(`x\n${MARK_THEIRS}\n`)).toBe(1);
  });

  it('property: a merge without conflicts holds every line change of each side; with none on one side it is the other side', () => {
    const lines = fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e'), { maxLength: 8 });
    fc.assert(
      fc.property(lines, lines, (o, t) => {
        const bo = o.join('\n');
        const bt = t.join('\n');
        expect(mergeText(bo, bo, bt)).toEqual({ text: bt, conflicts: 0 });
        expect(mergeText(bo, bt, bo)).toEqual({ text: bt, conflicts: 0 });
      }),
    );
  });
});
