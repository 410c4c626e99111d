import { useEffect, useMemo } from 'react';
import { ClusterView } from '../features/cluster/ClusterView';
import { ProfileForm } from '../features/connections/ProfileForm';
import { Sidebar } from '../features/connections/Sidebar';
import { ValuePanel } from '../features/editor/ValuePanel';
import { KeyGrid } from '../features/keys/KeyGrid';
import { NewKeyDialog } from '../features/keys/NewKeyDialog';
import { Toasts } from '../features/notifications/Toasts';
import { commandForKey, createCommandDispatcher } from './commands';
import { ConfirmDialog } from './ConfirmDialog';
import { StatusBar } from './StatusBar';
import { useAppStore, useAppStoreApi } from './store-context';
import { Toolbar } from './Toolbar';
import { useColorScheme } from './use-color-scheme';

export function App() {
  const store = useAppStoreApi();
  const scheme = useColorScheme();
  const clusterViewOpen = useAppStore((s) => s.clusterViewOpen);
  const dispatch = useMemo(() => createCommandDispatcher(store), [store]);

  useEffect(() => store.getState().init(), [store]);

  useEffect(() => {
    document.documentElement.dataset.theme = scheme;
  }, [scheme]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented) return;
      const command = commandForKey(e, document.activeElement);
      if (!command) return;
      e.preventDefault(); // Mod+R must not reload the page, Mod+S must not open "save page"
      dispatch(command, 'keyboard');
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [dispatch]);

  useEffect(() => store.getState().onMenuCommand((command) => dispatch(command, 'menu')), [store, dispatch]);

  return (
    <div className="app">
      <Toolbar onCommand={(c) => dispatch(c, 'ui')} />
      <div className="workspace">
        <Sidebar />
        {clusterViewOpen ? (
          <ClusterView />
        ) : (
          <>
            <KeyGrid />
            <ValuePanel />
          </>
        )}
      </div>
      <StatusBar />
      <Toasts />
      <ProfileForm />
      <NewKeyDialog />
      <ConfirmDialog />
    </div>
  );
}
