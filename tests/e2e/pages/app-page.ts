import type { Page } from '@playwright/test';
import { ClusterPanel, ConfirmDialog, NewKeyDialog, ProfileForm, StatusBar, Toasts, Toolbar } from './chrome';
import { KeyGrid } from './key-grid';
import { Layout } from './layout';
import { LiveGrid } from './live-grid';
import { Sidebar } from './sidebar';
import { ValuePanel } from './value-panel';

/** Every page object of the window, for one page. */
export class AppPage {
  readonly sidebar: Sidebar;
  readonly grid: KeyGrid;
  readonly value: ValuePanel;
  readonly toolbar: Toolbar;
  readonly status: StatusBar;
  readonly toasts: Toasts;
  readonly profileForm: ProfileForm;
  readonly newKey: NewKeyDialog;
  readonly confirm: ConfirmDialog;
  readonly cluster: ClusterPanel;
  readonly layout: Layout;
  readonly live: LiveGrid;

  constructor(readonly page: Page) {
    this.sidebar = new Sidebar(page);
    this.grid = new KeyGrid(page);
    this.value = new ValuePanel(page);
    this.toolbar = new Toolbar(page);
    this.status = new StatusBar(page);
    this.toasts = new Toasts(page);
    this.profileForm = new ProfileForm(page);
    this.newKey = new NewKeyDialog(page);
    this.confirm = new ConfirmDialog(page);
    this.cluster = new ClusterPanel(page);
    this.layout = new Layout(page);
    this.live = new LiveGrid(page);
  }
}
