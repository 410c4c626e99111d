/**
 * No file under src/ imports itself back, directly or around a circle, counting type-only
 * imports too (a cycle of types still ties the files together). Written by hand because the
 * lint plugins' no-cycle rules skip `import type` (eslint-plugin-import-x 4.18, read in its
 * source); TypeScript's own pre-processor and resolver do the parsing here.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../../..');
const srcDir = join(root, 'src');
const options: ts.CompilerOptions = { moduleResolution: ts.ModuleResolutionKind.Bundler, module: ts.ModuleKind.ESNext, allowJs: false, jsx: ts.JsxEmit.ReactJSX };

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return /\.(ts|tsx)$/.test(name) && !name.endsWith('.d.ts') ? [p] : [];
  });
}

/** file -> the src files it imports (static, dynamic and type-only; re-exports too). */
export function importGraph(files: readonly string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const deps = info.importedFiles
      .map((f) => ts.resolveModuleName(f.fileName, file, options, ts.sys).resolvedModule?.resolvedFileName)
      .filter((p): p is string => !!p && p.startsWith(srcDir + '/') && !p.includes('node_modules'));
    graph.set(file, [...new Set(deps)]);
  }
  return graph;
}

/** Every cycle found by a depth-first walk, each as the list of files around it. */
export function findCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') cycles.push(stack.slice(stack.indexOf(next)));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return cycles;
}

describe('import cycles', () => {
  it('the checker finds a cycle, including one made of type-only imports', () => {
    const g = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ]);
    expect(findCycles(g)).toEqual([['a', 'b', 'c']]);
    const info = ts.preProcessFile("import type { X } from './x';\nexport type { Y } from './y';\nconst z = () => import('./z');", true, true);
    expect(info.importedFiles.map((f) => f.fileName)).toEqual(['./x', './y', './z']);
  });

  it('no file under src/ takes part in a cycle', () => {
    const graph = importGraph(sourceFiles(srcDir));
    expect(graph.size).toBeGreaterThan(50);
    const cycles = findCycles(graph).map((c) => c.map((f) => relative(root, f)).join(' -> '));
    expect(cycles).toEqual([]);
  });
});
