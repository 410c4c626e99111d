import type { Locator, Page } from '@playwright/test';

/** Membership in the cluster view's Members table (MembershipActions.tsx) and its dialogs. */
export class MembersPanel {
  readonly addLearner: Locator;
  readonly addDialog: Locator;
  readonly flags: Locator;
  readonly flagsText: Locator;
  readonly removeDialog: Locator;
  readonly plan: Locator;
  readonly risk: Locator;
  readonly understood: Locator;
  readonly removeButton: Locator;
  readonly dialogError: Locator;

  constructor(readonly page: Page) {
    const view = page.getByTestId('cluster-view');
    this.addLearner = view.getByRole('button', { name: 'Add learner…' });
    this.addDialog = page.getByTestId('add-learner-dialog');
    this.flags = page.getByTestId('learner-flags');
    this.flagsText = this.flags.getByLabel('Flags for the new member');
    this.removeDialog = page.getByTestId('remove-member-dialog');
    this.plan = this.removeDialog.getByTestId('remove-plan');
    this.risk = this.removeDialog.getByTestId('remove-risk');
    this.understood = this.removeDialog.getByLabel('I understand the cluster may lose its quorum');
    this.removeButton = this.removeDialog.getByRole('button', { name: 'Remove member' });
    this.dialogError = page.getByTestId('member-dialog-error');
  }

  /** A row of the Members table: by the member's name, or by its role ("learner"). */
  row(by: { name: string } | { role: 'leader' | 'follower' | 'learner' }): Locator {
    const rows = this.page.getByTestId('cluster-member');
    return 'name' in by ? rows.filter({ hasText: by.name }) : rows.and(this.page.locator(`[data-role="${by.role}"]`));
  }

  action(row: Locator, name: 'Promote' | 'Remove…' | 'Peer URLs…'): Locator {
    return row.getByTestId('membership-actions').getByRole('button', { name });
  }

  /** Fill the add dialog (it must be open). */
  async fillAdd(name: string, peerUrls: string): Promise<void> {
    await this.addDialog.getByLabel('Member name').fill(name);
    await this.addDialog.getByLabel('Peer URLs').fill(peerUrls);
  }

  get submitAdd(): Locator {
    return this.addDialog.getByRole('button', { name: 'Add learner', exact: true });
  }
}
