/** The window around the features: the confirmation dialog, the theme, the pane sizes, the native menu. */
import type { MenuCommand } from '../api/etcd-client';
import { DEFAULT_PANES, sanePane, type Pane, type PaneSizes } from './layout';
import type { Confirm, ConfirmRequest, SliceCreator } from './slice';

export type ThemeChoice = 'system' | 'light' | 'dark';

/** What the main area shows next to the sidebar: the key grid (with the value panel) or one of the other views. */
export type MainView = 'keys' | 'cluster' | 'leases' | 'deleted' | 'search' | 'access' | 'audit' | 'k8s-analyze';

export interface ShellSlice extends Confirm {
  confirm: ConfirmRequest | null;
  theme: ThemeChoice;
  /** The pane sizes people chose (app/layout.ts fits them to the window). */
  panes: PaneSizes;
  /** The main area's view; it stays across connection switches and shows the next cluster. */
  view: MainView;

  resolveConfirm(confirmed: boolean): void;
  /** Show a view in the main area. */
  showView(view: MainView): void;
  /** Show a view, or go back to the keys when it is already shown. */
  toggleView(view: MainView): void;
  setTheme(theme: ThemeChoice): void;
  /** Remember pane sizes (each kept within its pane's limits). */
  setPanes(panes: Partial<PaneSizes>): void;
  /** True while a modal dialog is up (shortcuts stay out of its way). */
  isModalOpen(): boolean;
  /** Subscribe to the native menu's commands; returns the unsubscribe function. */
  onMenuCommand(listener: (command: MenuCommand) => void): () => void;
}

/** The features' own dialogs, open when not null. */
interface ShellNeeds {
  readonly profileForm: object | null;
  readonly newKey: object | null;
  readonly bulkDelete: object | null;
  readonly copyDialog: object | null;
  readonly leaseGrant: object | null;
  readonly transfer: object | null;
  readonly writeConfirm: object | null;
  readonly accessDialog: object | null;
}

export const createShellSlice: SliceCreator<ShellSlice, ShellNeeds> = (set, get, { client }) => ({
  confirm: null,
  theme: 'system',
  panes: DEFAULT_PANES,
  view: 'keys',

  askConfirm(req) {
    set({ confirm: req });
  },

  resolveConfirm(confirmed) {
    const req = get().confirm;
    if (!req) return;
    set({ confirm: null });
    if (confirmed) req.onConfirm();
    else req.onCancel?.();
  },

  showView(view) {
    if (get().view !== view) set({ view });
  },

  toggleView(view) {
    set({ view: get().view === view ? 'keys' : view });
  },

  setTheme(theme) {
    set({ theme });
  },

  setPanes(changes) {
    const next: { -readonly [P in Pane]: number } = { ...get().panes };
    for (const pane of Object.keys(changes) as Pane[]) next[pane] = sanePane(pane, changes[pane]);
    const cur = get().panes;
    if (next.sidebar !== cur.sidebar || next.value !== cur.value || next.keyColumn !== cur.keyColumn) set({ panes: next });
  },

  isModalOpen() {
    const s = get();
    return s.confirm !== null || s.profileForm !== null || s.newKey !== null || s.leaseGrant !== null || s.bulkDelete !== null || s.copyDialog !== null || s.transfer !== null || s.writeConfirm !== null || s.accessDialog !== null;
  },

  onMenuCommand(listener) {
    return client.on('event:menu-command', ({ command }) => listener(command));
  },
});
