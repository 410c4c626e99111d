import type { Locator, Page } from '@playwright/test';

/** The cluster view's maintenance panel (compact, defragment, snapshot, alarms, hashes). */
export class MaintenancePanel {
  readonly root: Locator;
  readonly currentRevision: Locator;
  readonly compactRevision: Locator;
  /** Type-to-confirm: the revision or the profile name. */
  readonly compactConfirm: Locator;
  readonly physical: Locator;
  readonly compact: Locator;
  readonly defragmentAll: Locator;
  readonly defragWarning: Locator;
  readonly compareHashes: Locator;
  readonly hashResult: Locator;
  /** The running (or last) job: `data-state` running/done/failed/cancelled. */
  readonly job: Locator;
  readonly cancelJob: Locator;
  readonly defragRows: Locator;
  readonly snapshotReport: Locator;
  readonly snapshotSha256: Locator;
  readonly alarms: Locator;
  readonly nospaceFlow: Locator;
  readonly error: Locator;
  private readonly page: Page;

  constructor(page: Page) {
    this.page = page;
    this.root = page.getByTestId('cluster-maintenance');
    this.currentRevision = this.root.getByTestId('current-revision');
    this.compactRevision = this.root.getByLabel('Compact up to revision');
    this.compactConfirm = this.root.getByLabel('Type to confirm the compaction');
    this.physical = this.root.getByRole('checkbox', { name: /physical/ });
    this.compact = this.root.getByRole('button', { name: 'Compact', exact: true });
    this.defragmentAll = this.root.getByRole('button', { name: 'Defragment all…' });
    this.defragWarning = this.root.getByTestId('defrag-warning');
    this.compareHashes = this.root.getByRole('button', { name: 'Compare hashes' });
    this.hashResult = this.root.getByTestId('hashkv-result');
    this.job = this.root.getByTestId('maintenance-job');
    this.cancelJob = this.job.getByRole('button', { name: 'Cancel' });
    this.defragRows = this.root.getByTestId('defrag-member');
    this.snapshotReport = this.root.getByTestId('snapshot-report');
    this.snapshotSha256 = this.root.getByTestId('snapshot-sha256');
    this.alarms = this.root.getByTestId('alarm');
    this.nospaceFlow = this.root.getByTestId('nospace-flow');
    this.error = this.root.getByTestId('maintenance-error');
  }

  /** A button of one member's row in the endpoints table ("Defragment", "Snapshot…", "Make leader"). */
  memberAction(endpoint: string, name: string): Locator {
    return this.page
      .getByTestId('cluster-endpoint')
      .filter({ has: this.page.getByRole('cell', { name: endpoint, exact: true }) })
      .getByRole('button', { name, exact: true });
  }
}
