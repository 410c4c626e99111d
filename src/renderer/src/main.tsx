import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createMissingApi, getWindowApi } from './api/etcd-client';
import { App } from './app/App';
import { createAppStore } from './app/create-app-store';
import { restorePreferences } from './app/preferences';
import { StoreProvider } from './app/store-context';
import './styles/app.css';

const api = getWindowApi();
const store = createAppStore(api ?? createMissingApi());
if (!api) store.getState().setStatus('error', 'The etcd bridge is missing: the preload script did not load, so nothing can reach etcd.');

restorePreferences(store, localStorage);

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');
createRoot(root).render(
  <StrictMode>
    <StoreProvider store={store}>
      <App />
    </StoreProvider>
  </StrictMode>,
);
