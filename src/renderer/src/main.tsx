import './app/zod-jitless';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createEtcdClient, createMissingApi, getWindowApi } from './api/etcd-client';
import { App } from './app/App';
import { ErrorBoundary, reportWindowErrors } from './app/ErrorBoundary';
import { createAppStore } from './app/create-app-store';
import { StoreProvider } from './app/store-context';
import './styles/app.css';

const api = getWindowApi();
const store = createAppStore(api ?? createMissingApi());
const client = createEtcdClient(api ?? createMissingApi());
reportWindowErrors(client);
if (!api) store.getState().setStatus('error', 'The etcd bridge is missing: the preload script did not load, so nothing can reach etcd.');

// The theme choice survives restarts; "system" (follow the OS) is the default.
const THEME_KEY = 'etcd-desktop.theme';
const savedTheme = localStorage.getItem(THEME_KEY);
if (savedTheme === 'light' || savedTheme === 'dark') store.getState().setTheme(savedTheme);
store.subscribe((s, prev) => {
  if (s.theme !== prev.theme) localStorage.setItem(THEME_KEY, s.theme);
});

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');
createRoot(root).render(
  <StrictMode>
    <ErrorBoundary client={client}>
      <StoreProvider store={store}>
        <App />
      </StoreProvider>
    </ErrorBoundary>
  </StrictMode>,
);
