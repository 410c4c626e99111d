/**
 * Errors of unknown origin (renderer reports, uncaught exceptions) reach the log as class,
 * plain words and code locations: whatever data they quoted stays out.
 */
import { describe, expect, it } from 'vitest';
import { describeError, describeRendererError, errorName, frames, plainWords } from '../../../src/main/core/logging/error-text';

const SECRET = 'hunter2-Pa55';
const KEY = '/registry/secrets/db';

describe('plainWords', () => {
  it('keeps the sentence, drops quoted text (as V8 quotes data) and data-like tokens', () => {
    expect(plainWords(`Unexpected token 'h', "${SECRET}" is not valid JSON`)).toBe('Unexpected token … is not valid JSON');
    expect(plainWords(`Cannot read properties of undefined (reading '${KEY}')`)).toBe('Cannot read properties of undefined (reading …');
    expect(plainWords(`no key ${KEY} at revision 42 for ${SECRET}`)).toBe('no key … at revision … for …');
    expect(plainWords('Invalid regular expression: /[/: Unterminated character class')).toBe(
      'Invalid regular expression: … Unterminated character class',
    );
  });

  it('removes credential shapes and unterminated or typographic quotes', () => {
    const out = plainWords(`login failed password=${SECRET} token: abc “${KEY}” and 'cut off ${SECRET}`);
    expect(out).not.toContain(SECRET);
    expect(out).not.toContain(KEY);
    expect(out).not.toContain('abc');
    expect(out.startsWith('login failed')).toBe(true);
  });

  it('is bounded', () => {
    expect(plainWords('word '.repeat(1000)).length).toBeLessThanOrEqual(500);
  });
});

describe('frames', () => {
  it('keeps only code locations: no message line, no query or hash', () => {
    const stack = [
      `TypeError: ${SECRET} is not a function`,
      `    at renderValue (app://app/assets/index-abc.js:12:345)`,
      `    at app://app/index.html?key=${SECRET}#/keys${KEY}:3:9`,
      `    at async Promise.all (index 0)`,
      `    at new Store (http://127.0.0.1:5173/src/store.ts?t=1:1:2)`,
      `    at JSON.parse (<anonymous>)`,
      `    at ${SECRET}-fn (app://app/x.js:1:1)`,
      `    at eval (data:text/javascript,${SECRET}:1:1)`,
    ].join('\n');
    const out = frames(stack);
    expect(out).toEqual([
      'at renderValue (app://app/assets/index-abc.js:12:345)',
      'at app://app/index.html:3:9',
      'at async Promise.all (?)',
      'at new Store (http://127.0.0.1:5173/src/store.ts:1:2)',
      'at JSON.parse (<anonymous>)',
      'at ? (app://app/x.js:1:1)',
      'at eval (data:)',
    ]);
    expect(out.join('\n')).not.toContain(SECRET);
  });

  it('reads React component stacks the same way, and main-process file paths', () => {
    expect(frames('\n    at ValuePanel (app://app/assets/index.js:1:2)\n    at div\n    at App')).toEqual([
      'at ValuePanel (app://app/assets/index.js:1:2)',
      'at div',
      'at App',
    ]);
    expect(frames('Error: x\n    at Object.run (/opt/etcd desktop/out/main/index.js:10:5)')).toEqual([
      'at Object.run (/opt/etcd desktop/out/main/index.js:10:5)',
    ]);
  });

  it('is bounded', () => {
    expect(frames('Error\n' + '    at f (app://app/a.js:1:1)\n'.repeat(500))).toHaveLength(30);
  });
});

describe('describeError / describeRendererError', () => {
  it('an Error: class, plain words, frames', () => {
    const err = new RangeError(`value ${SECRET} too big`);
    const d = describeError(err);
    expect(d.error).toBe('RangeError');
    expect(d.message).toBe('value … too big');
    expect(d.stack).toMatch(/^at /);
    expect(JSON.stringify(d)).not.toContain(SECRET);
  });

  it('anything else: its type, and plain words of a string', () => {
    expect(describeError(`failed for ${KEY}`)).toEqual({ error: 'string', message: 'failed for …' });
    expect(describeError({ password: SECRET })).toEqual({ error: 'object', message: '…' });
  });

  it('a renderer report', () => {
    const fields = describeRendererError({
      source: 'boundary',
      message: `"${SECRET}" is not valid JSON`,
      stack: `SyntaxError: "${SECRET}" is not valid JSON\n    at JSON.parse (<anonymous>)\n    at parse (app://app/assets/index.js:1:2)`,
      componentStack: '\n    at ValueEditor (app://app/assets/index.js:3:4)',
    });
    expect(fields).toEqual({
      source: 'boundary',
      error: 'SyntaxError',
      message: '… is not valid JSON',
      stack: 'at JSON.parse (<anonymous>)\nat parse (app://app/assets/index.js:1:2)',
      components: 'at ValueEditor (app://app/assets/index.js:3:4)',
    });
  });

  it('errorName falls back when the first line is not a class name', () => {
    expect(errorName('TypeError: x')).toBe('TypeError');
    expect(errorName(`${KEY}: x`)).toBe('Error');
    expect(errorName(undefined)).toBe('Error');
  });
});
