import type { Locator, Page } from '@playwright/test';

/** What profile modes show: the badges, the production frame, and the typed confirmation of a production write. */
export class ModesPage {
  readonly toolbarBadge: Locator;
  /** The window's root: `data-mode` says the active profile's mode; a production one is framed. */
  readonly appRoot: Locator;
  readonly confirmDialog: Locator;
  readonly confirmOperation: Locator;
  readonly confirmInput: Locator;
  readonly confirmOk: Locator;
  readonly confirmCancel: Locator;

  constructor(private readonly page: Page) {
    this.toolbarBadge = page.getByTestId('toolbar-mode-badge');
    this.appRoot = page.locator('.app');
    this.confirmDialog = page.getByTestId('write-confirm-dialog');
    this.confirmOperation = page.getByTestId('write-confirm-operation');
    this.confirmInput = page.getByTestId('write-confirm-input');
    this.confirmOk = page.getByTestId('write-confirm-ok');
    this.confirmCancel = page.getByTestId('write-confirm-cancel');
  }

  /** The mode badge beside a profile in the sidebar. */
  sidebarBadge(profileName: string): Locator {
    return this.page.getByTestId('profile-item').filter({ hasText: profileName }).getByTestId('profile-mode-badge');
  }

  /** The frame's colour (the `--mode-frame` the window is drawn with). */
  async frameColor(): Promise<string> {
    return this.appRoot.evaluate((el) => getComputedStyle(el, '::after').borderTopColor);
  }
}
