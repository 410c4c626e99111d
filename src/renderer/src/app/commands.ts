/**
 * The app's commands, one entry point for keyboard shortcuts, toolbar buttons and the
 * native menu (`event:menu-command`).
 */
import type { MenuCommand } from '../api/etcd-client';
import { readOnlyReason } from '../ui/modes';
import type { AppState, AppStore } from './create-app-store';

export type Command = MenuCommand;

export const COMMAND_LABELS: Record<Command, { label: string; shortcut: string }> = {
  'new-key': { label: 'New key', shortcut: 'Mod+N' },
  save: { label: 'Save', shortcut: 'Mod+S' },
  delete: { label: 'Delete', shortcut: 'Del' },
  reload: { label: 'Reload', shortcut: 'Mod+R' },
  'focus-filter': { label: 'Filter', shortcut: 'Mod+F' },
  'cluster-view': { label: 'Cluster', shortcut: '' },
  'deleted-view': { label: 'Recently deleted', shortcut: '' },
  'leases-view': { label: 'Leases', shortcut: '' },
  'search-view': { label: 'Search', shortcut: 'Mod+Shift+F' },
  'command-palette': { label: 'Command palette', shortcut: 'Mod+K' },
  export: { label: 'Export keys', shortcut: '' },
  import: { label: 'Import keys', shortcut: '' },
  'audit-view': { label: 'Audit trail', shortcut: '' },
  'k8s-analyze-view': { label: 'Analyze K8s', shortcut: '' },
};

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

/** "Mod+S" -> "⌘S" on macOS, "Ctrl+S" elsewhere. */
export function shortcutText(shortcut: string): string {
  if (!shortcut) return '';
  return isMac ? shortcut.replace('Mod+', '⌘').replace('Del', '⌫') : shortcut.replace('Mod+', 'Ctrl+');
}

/** Commands that write to etcd: none of them runs while a past revision is on screen, or on a read-only profile. */
const WRITES: ReadonlySet<Command> = new Set<Command>(['new-key', 'save', 'delete', 'import']);

/** Commands on the key in the value panel: they act only while it is on screen (the keys or the search view). */
const ON_SHOWN_KEY: ReadonlySet<Command> = new Set<Command>(['save', 'delete']);

/** Whether the value panel, and so the selected key, is on screen. */
export const keyOnScreen = (s: Pick<AppState, 'view'>): boolean => s.view === 'keys' || s.view === 'search' || s.view === 'k8s-analyze';

/** Why `command` cannot run now, or null when it can (the toolbar and the menu ask the same question). */
export function commandRefusal(store: AppStore, command: Command): 'not-on-screen' | 'read-only-profile' | 'past-revision' | null {
  const s = store.getState();
  // The palette or a key's context menu (which may be another key's) covers the key: not that one either.
  if (ON_SHOWN_KEY.has(command) && (!keyOnScreen(s) || s.paletteOpen || s.keyMenu !== null)) return 'not-on-screen';
  if (WRITES.has(command) && readOnlyReason(s) !== null) return 'read-only-profile';
  if (WRITES.has(command) && s.readOnlyView) return 'past-revision';
  return null;
}

/** Whether `command` can run now. */
export function commandAllowed(store: AppStore, command: Command): boolean {
  return commandRefusal(store, command) === null;
}

export function runCommand(store: AppStore, command: Command): void {
  const s = store.getState();
  if (s.isModalOpen()) return; // a dialog is up: its own buttons and keys apply
  const refusal = commandRefusal(store, command);
  // Save and Delete never act on a key that is not on screen (the cluster view, the leases...).
  if (refusal === 'not-on-screen') return;
  if (refusal === 'read-only-profile') {
    s.setStatus('info', readOnlyReason(s) ?? 'This profile is read-only.');
    return;
  }
  if (refusal === 'past-revision') {
    s.setStatus('info', 'A past revision is on screen (read-only): go back to live to change keys.');
    return;
  }
  switch (command) {
    case 'new-key':
      s.openNewKey();
      return;
    case 'save':
      void s.save();
      return;
    case 'delete':
      s.requestDelete();
      return;
    case 'reload':
      s.reload();
      return;
    case 'focus-filter':
      s.goToFilter();
      return;
    case 'cluster-view':
      s.toggleClusterView();
      return;
    case 'deleted-view':
      s.toggleView('deleted');
      return;
    case 'leases-view':
      s.toggleView('leases');
      return;
    case 'search-view':
      s.toggleView('search');
      return;
    case 'command-palette':
      s.setPaletteOpen(true);
      return;
    case 'export':
      s.openExport();
      return;
    case 'import':
      s.openImport();
      return;
    case 'audit-view':
      s.toggleView('audit');
      return;
    case 'k8s-analyze-view':
      s.toggleView('k8s-analyze');
      return;
    default: {
      const unknown: never = command;
      void unknown;
    }
  }
}

function isTextInput(el: Element | null): boolean {
  if (!el) return false;
  if (el instanceof HTMLElement && el.isContentEditable) return true;
  if (el.closest('.cm-editor')) return true;
  const tag = el.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (el as HTMLInputElement).type;
    return !['button', 'checkbox', 'radio', 'submit', 'reset', 'color'].includes(type);
  }
  return false;
}

/** Map a keydown to a command, or null. */
export function commandForKey(e: KeyboardEvent, activeElement: Element | null): Command | null {
  const mod = isMac ? e.metaKey : e.ctrlKey;
  // Delete (or ⌘⌫ on macOS) deletes the selected key, unless the user is typing.
  const plainDelete = e.key === 'Delete' && !e.ctrlKey && !e.metaKey && !e.altKey;
  const macDelete = isMac && e.key === 'Backspace' && e.metaKey && !e.altKey;
  if (plainDelete || macDelete) return isTextInput(activeElement) ? null : 'delete';
  if (mod && !e.altKey && e.shiftKey && e.key.toLowerCase() === 'f') return 'search-view';
  if (mod && !e.altKey && !e.shiftKey) {
    switch (e.key.toLowerCase()) {
      case 's':
        return 'save';
      case 'n':
        return 'new-key';
      case 'r':
        return 'reload';
      case 'k':
        return 'command-palette';
      case 'f':
        // Inside the value editor Mod+F searches the value (CodeMirror).
        return activeElement?.closest('.cm-editor') ? null : 'focus-filter';
    }
  }
  return null;
}

/**
 * The same command can arrive twice: from our keydown handler and from the menu accelerator.
 * Drop a repeat of the same command from the other source within a short window.
 */
export function createCommandDispatcher(store: AppStore, windowMs = 300, now = () => Date.now()) {
  const last = new Map<Command, { at: number; source: 'keyboard' | 'menu' | 'ui' }>();
  return (command: Command, source: 'keyboard' | 'menu' | 'ui') => {
    const prev = last.get(command);
    const t = now();
    if (prev && prev.source !== source && source !== 'ui' && prev.source !== 'ui' && t - prev.at < windowMs) return;
    last.set(command, { at: t, source });
    runCommand(store, command);
  };
}
