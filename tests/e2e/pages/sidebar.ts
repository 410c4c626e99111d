import type { Locator, Page } from '@playwright/test';

/** The connection profiles on the left. */
export class Sidebar {
  readonly root: Locator;
  readonly profiles: Locator;
  readonly addButton: Locator;

  constructor(private readonly page: Page) {
    this.root = page.getByRole('navigation', { name: 'Connection profiles' });
    this.profiles = page.getByTestId('profile-item');
    this.addButton = page.getByTestId('add-profile');
  }

  /** The list item of the profile with exactly this name. */
  profile(name: string): Locator {
    return this.profiles.filter({ has: this.page.locator('.profile-name').getByText(name, { exact: true }) });
  }

  names(): Promise<string[]> {
    return this.profiles.locator('.profile-name').allTextContents();
  }

  /** Click a profile to connect (or switch) to it. */
  async connect(name: string): Promise<void> {
    await this.profile(name).locator('.profile-main').click();
  }

  /** The connection dot of a profile ("Connected", "Unreachable", ...). */
  state(name: string): Locator {
    return this.profile(name).locator('.conn-dot');
  }

  /** The edit / duplicate / delete buttons show on hover (or focus). */
  async edit(name: string): Promise<void> {
    await this.profile(name).hover();
    await this.page.getByRole('button', { name: `Edit profile ${name}` }).click();
  }
}
