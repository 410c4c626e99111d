import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The page ships a strict CSP meta. In dev, Vite's React refresh injects an inline module
 * script and talks to its websocket, so the dev server swaps in a looser policy; built files
 * keep the strict one. (Kept in sync with DEV_CSP in src/main/window.ts, which cannot be
 * imported here because it loads electron.)
 */
const DEV_CSP =
  "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self' ws://localhost:* ws://127.0.0.1:*; base-uri 'none'; form-action 'none'; object-src 'none'; frame-src 'none'; worker-src 'none'; manifest-src 'none'";

const devCsp = (): Plugin => ({
  name: 'dev-csp',
  apply: 'serve',
  transformIndexHtml: (html: string) => html.replace(/(http-equiv="Content-Security-Policy"\s+content=")[^"]*/, `$1${DEV_CSP}`),
});

export default defineConfig({
  main: {
    build: { rollupOptions: { input: { index: resolve(__dirname, 'src/main/electron/app.ts') } } },
  },
  preload: {
    build: {
      // A sandboxed preload can require nothing but electron: bundle its dependencies (zod, for
      // the contract it is built from) instead of externalizing them.
      externalizeDeps: false,
      rollupOptions: { input: { index: resolve(__dirname, 'src/preload/index.ts') } },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    build: { rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } } },
    plugins: [react(), devCsp()],
  },
});
