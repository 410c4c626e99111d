import { useEffect, useMemo, type CSSProperties } from 'react';
import { AccessView } from '../features/access/AccessView';
import { AuditView } from '../features/audit/AuditView';
import { BulkDeleteDialog } from '../features/bulk/BulkDeleteDialog';
import { CopyDialog } from '../features/bulk/CopyDialog';
import { KeyMenu } from '../features/bulk/KeyMenu';
import { ClusterView } from '../features/cluster/ClusterView';
import { ProfileForm } from '../features/connections/ProfileForm';
import { Sidebar } from '../features/connections/Sidebar';
import { ValuePanel } from '../features/editor/ValuePanel';
import { DeletedView } from '../features/history/DeletedView';
import { AnalyzeView } from '../features/kubernetes/AnalyzeView';
import { SearchView } from '../features/search/SearchView';
import { CommandPalette } from '../features/search/CommandPalette';
import { KeyGrid } from '../features/keys/KeyGrid';
import { LeasesView } from '../features/leases/LeasesView';
import { NewKeyDialog } from '../features/keys/NewKeyDialog';
import { ExportDialog } from '../features/transfer/ExportDialog';
import { ImportDialog } from '../features/transfer/ImportDialog';
import { Toasts } from '../features/notifications/Toasts';
import { Splitter } from '../ui/Splitter';
import { commandForKey, createCommandDispatcher } from './commands';
import { ConfirmDialog } from './ConfirmDialog';
import { WriteConfirmDialog } from './WriteConfirmDialog';
import { fitPanes, PANE_LIMITS, SPLITTER } from './layout';
import { StatusBar } from './StatusBar';
import { useAppStore, useAppStoreApi } from './store-context';
import { Toolbar } from './Toolbar';
import { useColorScheme } from './use-color-scheme';
import { useWindowWidth } from './use-window-width';

export function App() {
  const store = useAppStoreApi();
  const scheme = useColorScheme();
  const view = useAppStore((s) => s.view);
  const dispatch = useMemo(() => createCommandDispatcher(store), [store]);
  const panes = useAppStore((s) => s.panes);
  const setPanes = useAppStore((s) => s.setPanes);
  const fitted = fitPanes(panes, useWindowWidth());
  // A production profile frames the window in its colour (red without one).
  const activeMode = useAppStore((s) => s.profiles.find((p) => p.id === s.activeProfileId));

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
    <div
      className={`app${activeMode?.mode === 'production' ? ' mode-production' : ''}`}
      data-mode={activeMode?.mode ?? 'none'}
      style={activeMode?.mode === 'production' && activeMode.color ? ({ '--mode-frame': activeMode.color } as CSSProperties) : undefined}
    >
      <Toolbar onCommand={(c) => dispatch(c, 'ui')} />
      <div
        className="workspace"
        style={{ gridTemplateColumns: `${fitted.sidebar}px ${SPLITTER}px minmax(0, 1fr) ${SPLITTER}px ${fitted.value}px` } as CSSProperties}
      >
        <Sidebar />
        {/* Moving one splitter keeps the other pane as it is on screen, so nothing jumps while dragging. */}
        <Splitter
          label="Sidebar width"
          value={fitted.sidebar}
          min={PANE_LIMITS.sidebar.min}
          max={fitted.sidebarMax}
          onChange={(sidebar) => setPanes({ sidebar, value: fitted.value })}
          controls="sidebar"
        />
        {view === 'cluster' ? (
          <ClusterView />
        ) : view === 'leases' ? (
          <LeasesView />
        ) : view === 'access' ? (
          <AccessView />
        ) : view === 'deleted' ? (
          <DeletedView />
        ) : view === 'audit' ? (
          <AuditView />
        ) : (
          <>
            {view === 'search' ? <SearchView /> : view === 'k8s-analyze' ? <AnalyzeView /> : <KeyGrid width={fitted.grid} />}
            <Splitter
              label="Value panel width"
              value={fitted.value}
              min={PANE_LIMITS.value.min}
              max={fitted.valueMax}
              grows={-1}
              onChange={(value) => setPanes({ value, sidebar: fitted.sidebar })}
              controls="value-pane"
            />
            <ValuePanel />
          </>
        )}
      </div>
      <StatusBar />
      <Toasts />
      <CommandPalette />
      <ProfileForm />
      <NewKeyDialog />
      <ExportDialog />
      <ImportDialog />
      <ConfirmDialog />
      <BulkDeleteDialog />
      <CopyDialog />
      <KeyMenu />
      {/* Last: it opens over the dialog whose write it confirms. */}
      <WriteConfirmDialog />
    </div>
  );
}
