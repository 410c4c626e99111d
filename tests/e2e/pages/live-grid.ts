import type { Locator, Page } from '@playwright/test';

/** The grid's live parts: the Live switch and its state, notices, the past-revision control and banner. */
export class LiveGrid {
  /** The "Live updates" switch (role switch, aria-checked). */
  readonly toggle: Locator;
  readonly reconnecting: Locator;
  readonly stopped: Locator;
  /** Said after a resync re-listed the grid. */
  readonly notice: Locator;
  readonly viewAtRevision: Locator;
  readonly revisionInput: Locator;
  readonly revisionView: Locator;
  readonly revisionError: Locator;
  readonly banner: Locator;
  readonly backToLive: Locator;
  readonly pane: Locator;

  constructor(private readonly page: Page) {
    this.toggle = page.getByRole('switch', { name: 'Live updates' });
    this.reconnecting = page.getByTestId('live-reconnecting');
    this.stopped = page.getByTestId('live-stopped');
    this.notice = page.getByTestId('live-notice');
    this.viewAtRevision = page.getByTestId('view-at-revision');
    this.revisionInput = page.getByRole('spinbutton', { name: 'Revision' });
    this.revisionView = page.getByTestId('revision-view');
    this.revisionError = page.getByTestId('revision-error');
    this.banner = page.getByTestId('past-banner');
    this.backToLive = page.getByTestId('back-to-live');
    this.pane = page.locator('#key-pane');
  }

  /** Open "View at revision…" and list at `revision`. */
  async view(revision: number): Promise<void> {
    if (!(await this.revisionInput.isVisible())) await this.viewAtRevision.click();
    await this.revisionInput.fill(String(revision));
    await this.revisionView.click();
  }

  /** Store updates the live grid made so far (at most one per animation frame). */
  async storeUpdates(): Promise<number> {
    return Number(await this.pane.getAttribute('data-live-updates'));
  }

  /** Wait until the grid follows changes (its watch is open). */
  liveState(): Locator {
    return this.page.getByTestId('live-state');
  }
}
