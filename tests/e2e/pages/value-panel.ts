import type { Locator, Page } from '@playwright/test';

/** The selected key: metadata, editor or hex view, save, not-found and conflict states. */
export class ValuePanel {
  readonly root: Locator;
  readonly keyText: Locator;
  readonly meta: Locator;
  readonly editor: Locator;
  /** CodeMirror's editable content. */
  readonly content: Locator;
  readonly hexView: Locator;
  readonly hexDump: Locator;
  readonly base64: Locator;
  readonly saveButton: Locator;
  readonly notFound: Locator;
  readonly error: Locator;
  readonly conflict: Locator;
  readonly conflictDraft: Locator;
  readonly conflictCurrent: Locator;
  readonly modeSelect: Locator;

  constructor(private readonly page: Page) {
    this.root = page.getByTestId('value-panel');
    this.keyText = this.root.locator('.value-key-text');
    this.meta = page.getByTestId('value-meta');
    this.editor = page.getByTestId('value-editor');
    this.content = this.editor.locator('.cm-content');
    this.hexView = page.getByTestId('hex-view');
    this.hexDump = page.getByTestId('hex-dump');
    this.base64 = page.getByTestId('base64-readonly');
    this.saveButton = page.getByTestId('save-value');
    this.notFound = this.root.getByRole('status').filter({ hasText: 'no longer exists' });
    this.error = this.root.getByRole('alert');
    this.conflict = page.getByTestId('conflict-view');
    this.conflictDraft = page.getByTestId('conflict-draft');
    this.conflictCurrent = page.getByTestId('conflict-current');
    this.modeSelect = page.getByTestId('mode-select');
  }

  /** One metadata value by its label ("Version", "Mod rev", "Encoding", ...). */
  metaValue(label: string): Locator {
    return this.meta.locator('div').filter({ has: this.page.locator('dt').getByText(label, { exact: true }) }).locator('dd');
  }

  /** The editor text (CodeMirror lines joined with \n). */
  async text(): Promise<string> {
    return (await this.content.locator('.cm-line').allInnerTexts()).join('\n');
  }

  /** Put the caret at the very end of the value and type `text`. */
  async typeAtEnd(text: string): Promise<void> {
    await this.content.click();
    await this.page.keyboard.press('ControlOrMeta+End');
    await this.page.keyboard.type(text);
  }

  /** Replace the whole value with `text` (select all, type). */
  async replaceWith(text: string): Promise<void> {
    await this.content.click();
    await this.page.keyboard.press('ControlOrMeta+a');
    await this.page.keyboard.insertText(text);
  }

  /** The app's Mod+S shortcut (Ctrl on Linux/Windows, Cmd on macOS). */
  async saveWithShortcut(): Promise<void> {
    await this.page.keyboard.press('ControlOrMeta+s');
  }

  conflictButton(name: 'Overwrite with my draft' | 'Discard my draft and load current' | 'Keep editing'): Locator {
    return this.conflict.getByRole('button', { name });
  }
}
