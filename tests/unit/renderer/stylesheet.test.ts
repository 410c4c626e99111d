/**
 * The stylesheet has no accidental nesting: a rule left open swallows every rule after it
 * (Chromium nests them, so `.error-notice` silently became `.crash-actions .error-notice`).
 * Only at-rules (@media, @keyframes, @supports…) may hold rules.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const CSS = resolve(__dirname, '../../../src/renderer/src/styles/app.css');

/** Rules opened inside another rule that is not an at-rule, as "outer > inner" (line of inner). */
function nestedRules(css: string): string[] {
  const source = css.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '));
  const open: { prelude: string; line: number }[] = [];
  const found: string[] = [];
  let prelude = '';
  let line = 1;
  for (const ch of source) {
    if (ch === '\n') line++;
    if (ch === '{') {
      const p = prelude.trim();
      const parent = open[open.length - 1];
      if (parent && !parent.prelude.startsWith('@')) found.push(`${parent.prelude} (line ${parent.line}) > ${p} (line ${line})`);
      open.push({ prelude: p, line });
      prelude = '';
    } else if (ch === '}') {
      open.pop();
      prelude = '';
    } else if (ch === ';') {
      prelude = '';
    } else {
      prelude += ch;
    }
  }
  if (open.length) found.push(`unclosed: ${open.map((o) => `${o.prelude} (line ${o.line})`).join(', ')}`);
  return found;
}

describe('app.css', () => {
  it('closes every rule, and nests rules only in at-rules', () => {
    expect(nestedRules(readFileSync(CSS, 'utf8'))).toEqual([]);
  });

  it('the check finds a rule left open', () => {
    expect(nestedRules('.a {\n  color: red;\n\n.b {\n  color: blue;\n}\n')).toEqual(['.a (line 1) > .b (line 4)', 'unclosed: .a (line 1)']);
    expect(nestedRules('@media (max-width: 9px) {\n  .a { color: red; }\n}\n')).toEqual([]);
  });
});
