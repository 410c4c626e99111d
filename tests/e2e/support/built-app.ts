/**
 * The BUILT app without Electron: out/main/index.js (package.json's "main") runs in a plain Node
 * child process with tests/e2e/support/electron-stand-in.mjs standing in for `electron`, and
 * starts itself as it does in the app. This side drives it over the fork's IPC channel:
 *  - `report()`: what the app did to Electron (window options, IPC handlers, protocols, menu);
 *  - `invoke(channel, req, frame)`: one of the app's own registered ipcMain handlers;
 *  - `serve(url)`: the app's own app:// protocol handler;
 *  - `serveOverHttp()`: that handler behind an http server on 127.0.0.1, so Chromium can load the
 *    built page exactly as the app serves it (same files, same headers);
 *  - `openInPage(page, url)`: the BUILT preload (out/preload/index.js) evaluated in the page with
 *    a stand-in electron whose ipcRenderer forwards over a Playwright binding to `invoke`, with the
 *    sender frame the app would see (the page's URL mapped back to app://app/...).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { join, resolve } from 'node:path';
import type { Page } from '@playwright/test';

export const ROOT = resolve(__dirname, '../../..');
const STAND_IN = join(__dirname, 'electron-stand-in.mjs');

type Message = { type: string; id?: number; [k: string]: unknown };

export interface SenderFrameLike {
  url: string;
  processId: number;
  routingId: number;
  parent: null | object;
}

export interface AppRecord {
  calls: { name: string; order: number }[];
  windows: Array<{ webPreferences: Record<string, unknown> } & Record<string, unknown>>;
  handled: string[];
  protocols: string[];
  privileged: Array<{ scheme: string; privileges: Record<string, boolean> }>;
  menu: unknown;
  readyResolved: boolean;
}

export interface Served {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface BuiltApp {
  /** The file Electron would run: package.json's "main". */
  readonly mainFile: string;
  readonly messages: Message[];
  /** Resolves with the first message (already received or future) that matches. */
  waitFor(match: (m: Message) => boolean, what: string): Promise<Message>;
  /** Every message from now on; returns the unsubscribe. */
  onMessage(listener: (m: Message) => void): () => void;
  report(): Promise<AppRecord>;
  invoke(channel: string, req: unknown, frame: SenderFrameLike): Promise<unknown>;
  serve(url: string, method?: string): Promise<Served>;
  /** The app's app:// handler behind http://127.0.0.1:<port>/ (every request goes to app://app/<same path>). */
  serveOverHttp(): Promise<{ url: string; close(): Promise<void> }>;
  /** Quit as the app quits (before-quit, sessions closed) and wait for the process to end. */
  quit(): Promise<number | null>;
  kill(): void;
}

export async function startBuiltApp(userData: string): Promise<BuiltApp> {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { main: string };
  const mainFile = join(ROOT, pkg.main);
  if (!existsSync(mainFile)) throw new Error(`No built app at ${mainFile}: run "npm run build" first (npm test does it).`);
  const env: NodeJS.ProcessEnv = { ...process.env, STAND_IN_USER_DATA: userData };
  delete env.ELECTRON_RENDERER_URL;
  delete env.NODE_OPTIONS;
  const child: ChildProcess = fork(mainFile, [], {
    cwd: ROOT,
    env,
    execArgv: ['--import', STAND_IN],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));

  const messages: Message[] = [];
  const listeners = new Set<(m: Message) => void>();
  const waiters: Array<{ match: (m: Message) => boolean; resolve(m: Message): void; reject(e: Error): void; what: string }> = [];
  let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const exit = new Promise<number | null>((done) =>
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      for (const w of waiters.splice(0)) w.reject(new Error(`the built app exited (${code ?? signal}) before ${w.what}:\n${output}`));
      done(code);
    }),
  );
  child.on('message', (m: Message) => {
    messages.push(m);
    for (const l of listeners) l(m);
    for (const w of [...waiters]) {
      if (w.match(m)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  });
  const waitFor = (match: (m: Message) => boolean, what: string): Promise<Message> => {
    const seen = messages.find(match);
    if (seen) return Promise.resolve(seen);
    if (exited) return Promise.reject(new Error(`the built app has exited (${exited.code ?? exited.signal}); ${what} never came:\n${output}`));
    return new Promise((resolveWait, reject) => waiters.push({ match, resolve: resolveWait, reject, what }));
  };

  let nextId = 0;
  const request = async <T>(msg: Message): Promise<T> => {
    const id = ++nextId;
    const answer = waitFor((m) => m.type === 'result' && m.id === id, `the answer to ${msg.type}`);
    child.send({ ...msg, id });
    const m = await answer;
    if (typeof m.error === 'string') throw new Error(`the built app failed ${msg.type}: ${m.error}`);
    return m.result as T;
  };

  const serve = async (url: string, method = 'GET'): Promise<Served> => {
    const r = await request<{ status: number; headers: [string, string][]; body: string }>({ type: 'serve', scheme: 'app', url, method });
    return { status: r.status, headers: Object.fromEntries(r.headers), body: Buffer.from(r.body, 'base64') };
  };

  return {
    mainFile,
    messages,
    waitFor,
    onMessage(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    report: () => request<AppRecord>({ type: 'report' }),
    invoke: (channel, req, frame) => request({ type: 'invoke', channel, req, frame }),
    serve,
    async serveOverHttp() {
      const server = http.createServer((req, res) => {
        const path = new URL(req.url ?? '/', 'http://x').pathname;
        serve(`app://app${path}`, req.method ?? 'GET').then(
          (r) => {
            res.writeHead(r.status, r.headers);
            res.end(r.body);
          },
          (err: unknown) => {
            res.writeHead(500).end(String(err));
          },
        );
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const { port } = server.address() as { port: number };
      return { url: `http://127.0.0.1:${port}/`, close: () => new Promise<void>((r) => server.close(() => r())) };
    },
    async quit() {
      if (exited) return (exited as { code: number | null }).code;
      child.send({ type: 'quit' });
      return exit;
    },
    kill() {
      if (!exited && child.pid) child.kill('SIGKILL');
    },
  };
}

/** The page-side stand-in for electron, then the built preload itself, as the page's first script. */
function preloadInitScript(): string {
  const preload = readFileSync(join(ROOT, 'out/preload/index.js'), 'utf8');
  return `(() => {
  const listeners = new Map();
  window.__builtEmit = (channel, payload) => {
    for (const l of [...(listeners.get(channel) ?? [])]) l({ sender: null, ports: [] }, payload);
  };
  const electron = Object.freeze({
    contextBridge: { exposeInMainWorld: (key, api) => Object.defineProperty(window, key, { value: api, enumerable: true }) },
    ipcRenderer: {
      invoke: (channel, req) => window.__builtInvoke(channel, req).then((json) => JSON.parse(json)),
      on: (channel, l) => { const set = listeners.get(channel) ?? new Set(); listeners.set(channel, set); set.add(l); },
      removeListener: (channel, l) => { listeners.get(channel)?.delete(l); },
    },
  });
  const module = { exports: {} };
  const require = (id) => { if (id !== 'electron') throw new Error('the preload required ' + id); return electron; };
  (function (require, module, exports) {
${preload}
  })(require, module, module.exports);
})();`;
}

/**
 * Opens `url` (the app's page served over http by `serveOverHttp`) with the built preload wired
 * to the built main's handlers. Push events from main reach the preload's listeners.
 */
export async function openInPage(page: Page, app: BuiltApp, httpUrl: string): Promise<{ calls: string[]; close(): void }> {
  // The window's main frame, as the stand-in gives it to the app.
  const mainFrame = { processId: 1, routingId: 1 };
  const origin = new URL(httpUrl).origin;
  const calls: string[] = [];
  // As the app would see the sender: its own origin is app://app.
  const appUrl = (pageUrl: string): string => {
    const u = new URL(pageUrl);
    return u.origin === origin ? `app://app${u.pathname}${u.search}${u.hash}` : pageUrl;
  };
  await page.exposeBinding('__builtInvoke', async (source, channel: string, req: unknown) => {
    calls.push(channel);
    const frame: SenderFrameLike = {
      url: appUrl(source.frame.url()),
      ...mainFrame,
      parent: source.frame === source.page.mainFrame() ? null : {},
    };
    return JSON.stringify(await app.invoke(channel, req, frame));
  });
  // Push events the app sends to its window reach the preload's ipcRenderer listeners.
  const stop = app.onMessage((m) => {
    if (m.type !== 'event' || page.isClosed()) return;
    page
      .evaluate(([c, p]) => (window as unknown as { __builtEmit(c: unknown, p: unknown): void }).__builtEmit(c, p), [m.channel, m.payload] as const)
      .catch(() => undefined);
  });
  await page.addInitScript({ content: preloadInitScript() });
  await page.goto(new URL('index.html', httpUrl).href);
  return { calls, close: stop };
}
