/**
 * The page the app ships carries exactly the policy of src/shared/csp.ts. The renderer is
 * built here, in memory, from electron.vite.config.ts as electron-vite resolves it: CI runs
 * vitest before `electron-vite build`, so out/ cannot be relied on, and reading the source
 * index.html would not notice a build that lost the CSP plugin (it holds only a placeholder).
 * The e2e suite checks the same policy is enforced by a browser on the out/ build.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { resolveConfig } from 'electron-vite';
import { Window } from 'happy-dom';
import { build, createServer, type InlineConfig, type Rolldown } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSP, DEV_CSP } from '../../../src/shared/csp';

const root = resolve(__dirname, '../../..');
const nodeEnv = process.env.NODE_ENV;
// Resolving a Vite config sets NODE_ENV for the process; the rest of this worker must not see it.
afterAll(() => {
  process.env.NODE_ENV = nodeEnv;
});

async function rendererConfig(command: 'build' | 'serve'): Promise<InlineConfig> {
  const { config } = await resolveConfig(
    { configFile: resolve(root, 'electron.vite.config.ts'), logLevel: 'silent' },
    command,
    command === 'build' ? 'production' : 'development',
  );
  expect(config?.renderer, 'electron.vite.config.ts has a renderer config').toBeDefined();
  return { ...config!.renderer!, logLevel: 'silent' } as InlineConfig;
}

function parse(html: string): Document {
  return new new Window().DOMParser().parseFromString(html, 'text/html') as unknown as Document;
}

const cspMetas = (doc: Document): string[] =>
  [...doc.querySelectorAll('meta')]
    .filter((m) => m.getAttribute('http-equiv')?.toLowerCase() === 'content-security-policy')
    .map((m) => m.getAttribute('content') ?? '');

describe('the built index.html', () => {
  let html = '';
  beforeAll(async () => {
    const config = await rendererConfig('build');
    const result = await build({ ...config, build: { ...config.build, write: false } });
    const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[];
    const page = outputs.flatMap((o) => o.output).find((f) => f.fileName === 'index.html');
    expect(page?.type).toBe('asset');
    html = String((page as Rolldown.OutputAsset).source);
  }, 120_000);

  it('has exactly one CSP <meta>, and it is the production policy', () => {
    expect(cspMetas(parse(html))).toEqual([CSP]);
  });

  it('declares the policy before anything it governs is loaded', () => {
    const head = [...parse(html).head.children];
    const policyAt = head.findIndex((el) => el.getAttribute('http-equiv') === 'Content-Security-Policy');
    const firstLoad = head.findIndex((el) => el.tagName === 'SCRIPT' || el.tagName === 'LINK' || el.tagName === 'STYLE');
    expect(firstLoad).toBeGreaterThan(-1);
    expect(policyAt).toBeGreaterThan(-1);
    expect(policyAt).toBeLessThan(firstLoad);
  });

  it('loads only its own bundled scripts, none inline (the policy blocks inline script)', () => {
    const scripts = [...parse(html).querySelectorAll('script')];
    expect(scripts.length).toBeGreaterThan(0);
    for (const s of scripts) expect(s.getAttribute('src'), 'no inline script: the policy would block it').toMatch(/^\.\/assets\//);
  });
});

describe('the dev server page', () => {
  it('gets the dev policy, which lets the inline React refresh preamble run', async () => {
    const config = await rendererConfig('serve');
    const server = await createServer({ ...config, server: { middlewareMode: true, ws: false } });
    try {
      const source = readFileSync(resolve(root, 'src/renderer/index.html'), 'utf8');
      const doc = parse(await server.transformIndexHtml('/index.html', source));
      expect(cspMetas(doc)).toEqual([DEV_CSP]);
      expect(doc.querySelectorAll('script:not([src])').length, 'the reason DEV_CSP allows inline script').toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  }, 60_000);
});
