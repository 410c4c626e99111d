import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { CSP, DEV_CSP, setCspMeta } from './src/shared/csp';

/**
 * index.html holds a deny-all CSP <meta> as a placeholder; this puts the real policy into it:
 * the strict one in the build, the dev one on the dev server (React refresh needs an inline
 * script and a websocket). A build without this plugin fails closed (nothing loads), and
 * setCspMeta throws if the placeholder goes missing.
 */
const csp = (): Plugin => {
  let policy = CSP;
  return {
    name: 'etcd-desktop:csp',
    configResolved: (config) => {
      policy = config.command === 'serve' ? DEV_CSP : CSP;
    },
    transformIndexHtml: (html: string) => setCspMeta(html, policy),
  };
};

export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src/main/electron/app.ts'),
          // The Kubernetes codec's worker thread, found at run time next to index.js (k8s-worker.ts).
          'k8s-decode-worker': resolve(__dirname, 'src/main/core/k8s/k8s-decode-worker.ts'),
        },
      },
    },
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
    plugins: [react(), csp()],
  },
});
