import { existsSync, promises as fs } from 'node:fs';
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import type { Page } from '@playwright/test';
import type { EventMap, EventName } from '../../../src/shared/contract';
import { createHandlers, type AppHandlers } from '../../../src/main/core/handlers';
import type { ChooseSaveFile } from '../../../src/main/core/handlers/types';
import { parseRequest } from '../../../src/main/core/validation';
import type { SecretCipher } from '../../../src/main/core/profiles/secrets';
import { testCipher } from '../../support/harness';

const ROOT = resolve(__dirname, '../../..');
export const RENDERER_DIR = join(ROOT, 'out/renderer');

let bridgeScript: string | undefined;
/** The page-side bridge, bundled from TypeScript once per worker. */
function bridge(): string {
  bridgeScript ??= buildSync({
    entryPoints: [join(__dirname, 'bridge-entry.ts')],
    bundle: true,
    format: 'iife',
    write: false,
    target: 'chrome120',
  }).outputFiles[0].text;
  return bridgeScript;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/** Push events of each open app, by channel id: the page's event stream, or what waits for it. */
const PUSH_PATH = '/__etcd-push/';
const pushStreams = new Map<string, { res?: http.ServerResponse; queued: string[] }>();

function pushTo(channel: string, frame: string): void {
  const stream = pushStreams.get(channel);
  if (!stream) return;
  if (stream.res && !stream.res.writableEnded) stream.res.write(frame);
  else stream.queued.push(frame);
}

/** Serves the built renderer over http on 127.0.0.1 (module scripts do not load from file://). */
export async function serveRenderer(): Promise<{ url: string; close(): Promise<void> }> {
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
    throw new Error(`No built renderer at ${RENDERER_DIR}. Run "npm run build" first (npm test does it).`);
  }
  const server = http.createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (path.startsWith(PUSH_PATH)) {
      // The page's push event stream (openApp): one JSON line per app event, in order.
      const stream = pushStreams.get(path.slice(PUSH_PATH.length));
      if (!stream) {
        res.writeHead(404).end();
        return;
      }
      // A reloaded page takes over the stream; like Electron's IPC, events sent while no page
      // listened wait for the next one.
      stream.res?.end();
      stream.res = res;
      res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
      res.flushHeaders();
      for (const frame of stream.queued.splice(0)) res.write(frame);
      req.on('close', () => {
        if (stream.res === res) stream.res = undefined;
      });
      return;
    }
    const file = normalize(join(RENDERER_DIR, path === '/' ? 'index.html' : path));
    if (!file.startsWith(RENDERER_DIR)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await fs.readFile(file);
      res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export interface AppUnderTest {
  readonly handlers: AppHandlers;
  readonly profilesDir: string;
  /** Every request the page made, in order (channel names). */
  readonly calls: string[];
  /** Every answer handed back to the page, in order (channel names). */
  readonly answered: string[];
  /** Push an event to the page as main does (a native menu command, for example). */
  emit<E extends EventName>(event: E, payload: EventMap[E]): void;
  close(): Promise<void>;
}

/**
 * Opens the renderer in `page` with `window.etcd` wired to real handlers in this process,
 * going through the same runtime validation as the Electron IPC layer.
 */
export async function openApp(
  page: Page,
  url: string,
  opts: {
    profilesDir?: string;
    cipher?: SecretCipher;
    /** Hold a request this long before the handler runs. */
    delayMs?: (channel: string) => number;
    /**
     * Hold the handler's answer this long before the page gets it: the request really ran
     * against etcd, only its answer arrives late (an old cluster's reply after a switch).
     */
    answerDelayMs?: (channel: string) => number;
    /**
     * Answers the native save dialog (maintenance:chooseFile, transfer:chooseFile for an export)
     * in place of the user: a path, or null for a cancelled dialog. Without it there is no dialog.
     */
    chooseSaveFile?: ChooseSaveFile;
  } = {},
): Promise<AppUnderTest> {
  const profilesDir = opts.profilesDir ?? (await mkdtemp(join(tmpdir(), 'etcd-desktop-e2e-')));
  const calls: string[] = [];
  const answered: string[] = [];
  // Push events reach the page as JSON lines on a streamed response from this process (same
  // origin, so the app's CSP allows it), parsed natively in the page, as Electron's IPC clones
  // natively. (EventSource cost the page ~90 ms of its own parsing for the burst's 2.5 MB.)
  // Measured (a burst of 10,000 puts, ~2 MB of batches, Chrome trace): sent with page.evaluate,
  // DevTools message handling blocked the page's main thread up to 660 ms per batch; through a
  // helper page over CDP and a BroadcastChannel, the helper's renderer burned 610 ms of CPU the
  // app page then waited for on 2 cores. One stream keeps the events in order; like two IPC
  // paths, events may overtake answers.
  const channel = randomUUID();
  pushStreams.set(channel, { queued: [] });
  const emit = <E extends EventName>(event: E, payload: EventMap[E]) => {
    if (page.isClosed()) return;
    pushTo(channel, `${JSON.stringify([event, payload])}\n`);
  };
  const handlers = createHandlers({ profilesDir, cipher: opts.cipher ?? testCipher(), emit, ...(opts.chooseSaveFile ? { chooseSaveFile: opts.chooseSaveFile } : {}) });
  await page.exposeBinding('__etcdInvoke', async (_source, channel: string, req: unknown) => {
    calls.push(channel);
    const parsed = parseRequest(channel as never, req);
    // Answers travel as JSON text: the page parses it natively, as Electron's IPC clones
    // natively. (Playwright's own value serializer is JS and costs the page ms per page of keys.)
    if (!parsed.ok) return JSON.stringify(parsed);
    const delay = opts.delayMs?.(channel) ?? 0;
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    const result = await (handlers[channel as keyof typeof handlers] as (r: unknown) => Promise<unknown>)(parsed.value);
    const late = opts.answerDelayMs?.(channel) ?? 0;
    if (late > 0) await new Promise((r) => setTimeout(r, late));
    answered.push(channel);
    return JSON.stringify(result);
  });
  await page.addInitScript({ content: `globalThis.__etcdPushUrl = ${JSON.stringify(PUSH_PATH + channel)};\n${bridge()}` });
  await page.goto(url);
  return {
    handlers,
    profilesDir,
    calls,
    answered,
    emit,
    async close() {
      pushStreams.get(channel)?.res?.end();
      pushStreams.delete(channel);
      await handlers.dispose();
      if (!opts.profilesDir) await rm(profilesDir, { recursive: true, force: true });
    },
  };
}
