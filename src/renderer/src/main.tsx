import './app/zod-jitless';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createEtcdClient, createMissingApi, getWindowApi } from './api/etcd-client';
import { App } from './app/App';
import { ErrorBoundary, reportWindowErrors } from './app/ErrorBoundary';
import { createAppStore } from './app/create-app-store';
import { restorePreferences } from './app/preferences';
import { StoreProvider } from './app/store-context';
import './styles/app.css';

const api = getWindowApi();
const store = createAppStore(api ?? createMissingApi());
const client = createEtcdClient(api ?? createMissingApi());
reportWindowErrors(client);
if (!api) store.getState().setStatus('error', 'The etcd bridge is missing: the preload script did not load, so nothing can reach etcd.');

restorePreferences(store, localStorage);

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
