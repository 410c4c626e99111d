import { useEffect, useMemo } from 'react';
import { commandForKey, createCommandDispatcher } from './commands';
import { ClusterView } from './components/ClusterView';
import { ConfirmDialog } from './components/ConfirmDialog';
import { KeyGrid } from './components/KeyGrid';
import { NewKeyDialog } from './components/NewKeyDialog';
import { ProfileForm } from './components/ProfileForm';
import { Sidebar } from './components/Sidebar';
import { StatusBar } from './components/StatusBar';
import { Toasts } from './components/Toasts';
import { Toolbar } from './components/Toolbar';
import { ValuePanel } from './components/ValuePanel';
import { useColorScheme } from './hooks/useColorScheme';
import { useAppStore, useAppStoreApi } from './store';

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
