import type { Command } from './commands';
import { COMMAND_LABELS, shortcutText } from './commands';
import type { ThemeChoice } from './shell-slice';
import { ModeBadge } from '../features/connections/ModeBadge';
import { readOnlyReason } from '../ui/modes';
import { useAppStore } from './store-context';

function ToolButton({ command, onCommand, disabled, pressed, refused }: { command: Command; onCommand: (c: Command) => void; disabled?: boolean; pressed?: boolean; refused?: string | null }) {
  const { label, shortcut } = COMMAND_LABELS[command];
  const keys = shortcutText(shortcut);
  return (
    <button
      type="button"
      className={`tool-button${pressed ? ' pressed' : ''}`}
      onClick={() => onCommand(command)}
      disabled={disabled || !!refused}
      title={refused ?? (keys ? `${label} (${keys})` : label)}
      aria-keyshortcuts={shortcut ? shortcut.replace('Mod', 'Control').replace('Del', 'Delete') : undefined}
      aria-pressed={pressed}
      data-testid={`tool-${command}`}
    >
      <span>{label}</span>
      {keys ? <kbd>{keys}</kbd> : null}
    </button>
  );
}

/** Commands for the current key and listing. */
export function Toolbar({ onCommand }: { onCommand: (c: Command) => void }) {
  const connected = useAppStore((s) => s.activeProfileId !== null);
  const hasKey = useAppStore((s) => s.selectedKey !== null && s.editorStatus !== 'missing');
  const canSave = useAppStore((s) => (s.dirty || s.editorStatus === 'missing' || (s.editorLease !== null && s.editorLease.draft.mode !== 'keep')) && !s.saving && s.draftKind !== 'binary' && s.conflict === null);
  const clusterOpen = useAppStore((s) => s.view === 'cluster');
  const deletedOpen = useAppStore((s) => s.view === 'deleted');
  const leasesOpen = useAppStore((s) => s.view === 'leases');
  const auditOpen = useAppStore((s) => s.view === 'audit');
  const analyzeOpen = useAppStore((s) => s.view === 'k8s-analyze');
  // A past revision is on screen: nothing is written from it.
  const readOnlyView = useAppStore((s) => s.readOnlyView);
  // A read-only profile: the buttons that would write say why they are off.
  const refused = useAppStore(readOnlyReason);
  // Save and Delete act on the key in the value panel: only while it is on screen.
  const keyOnScreen = useAppStore((s) => s.view === 'keys' || s.view === 'search' || s.view === 'k8s-analyze');
  const activeProfile = useAppStore((s) => s.profiles.find((p) => p.id === s.activeProfileId));
  const theme = useAppStore((s) => s.theme);
  const setTheme = useAppStore((s) => s.setTheme);

  return (
    <header className="toolbar" role="toolbar" aria-label="Actions">
      <span className="app-title">etcd desktop</span>
      {activeProfile ? <ModeBadge profile={activeProfile} testId="toolbar-mode-badge" /> : null}
      <ToolButton command="new-key" onCommand={onCommand} disabled={!connected || readOnlyView} refused={refused} />
      <ToolButton command="save" onCommand={onCommand} disabled={!canSave || readOnlyView || !keyOnScreen} refused={refused} />
      <ToolButton command="delete" onCommand={onCommand} disabled={!hasKey || readOnlyView || !keyOnScreen} refused={refused} />
      <ToolButton command="reload" onCommand={onCommand} disabled={!connected} />
      <span className="toolbar-sep" />
      <ToolButton command="cluster-view" onCommand={onCommand} disabled={!connected} pressed={clusterOpen} />
      <ToolButton command="deleted-view" onCommand={onCommand} disabled={!connected} pressed={deletedOpen} />
      <ToolButton command="leases-view" onCommand={onCommand} disabled={!connected} pressed={leasesOpen} />
      <ToolButton command="audit-view" onCommand={onCommand} disabled={!connected} pressed={auditOpen} />
      <ToolButton command="k8s-analyze-view" onCommand={onCommand} disabled={!connected} pressed={analyzeOpen} />
      <span className="spacer" />
      <label className="control theme-control" title="Theme (follows the OS by default)">
        <span className="control-label">Theme</span>
        <select value={theme} onChange={(e) => setTheme(e.target.value as ThemeChoice)} aria-label="Theme">
          <option value="system">Follow OS</option>
          <option value="light">Light</option>
          <option value="dark">Dark</option>
        </select>
      </label>
    </header>
  );
}
