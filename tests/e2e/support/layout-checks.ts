/** Checks of the window's layout, shared by the layout spec and the screenshots. */
import type { Page } from '@playwright/test';
import type { AppPage } from '../pages/app-page';
import { inside, overlaps, type Box } from '../pages/layout';
import { expect } from './fixtures';

/**
 * Every main region is inside the window and no two share any area; Save and Revert (when the
 * value panel shows a text value) sit inside the value panel, in the window, apart.
 */
export async function expectNoOverlap(ui: AppPage, page: Page, opts: { editor?: boolean } = {}): Promise<void> {
  const viewport = page.viewportSize();
  if (!viewport) throw new Error('no viewport');
  const window: Box = { x: 0, y: 0, ...viewport };
  const boxes = await Promise.all(Object.entries(ui.layout.regions()).map(async ([name, l]) => [name, await ui.layout.box(l)] as const));
  for (const [name, box] of boxes) {
    expect(inside(box, window), `${name} ${JSON.stringify(box)} is inside the ${viewport.width}x${viewport.height} window`).toBe(true);
    expect(box.width, `${name} has a width`).toBeGreaterThan(0);
    expect(box.height, `${name} has a height`).toBeGreaterThan(0);
  }
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, boxA] = boxes[i];
      const [b, boxB] = boxes[j];
      expect(overlaps(boxA, boxB), `${a} ${JSON.stringify(boxA)} overlaps ${b} ${JSON.stringify(boxB)}`).toBe(false);
    }
  }
  if (opts.editor === false) return;
  const value = await ui.layout.box(ui.layout.valuePane);
  const save = await ui.layout.box(ui.layout.save);
  const revert = await ui.layout.box(ui.layout.revert);
  expect(inside(save, value), 'Save is inside the value panel').toBe(true);
  expect(inside(revert, value), 'Revert is inside the value panel').toBe(true);
  expect(inside(save, window) && inside(revert, window), 'Save and Revert are in the window').toBe(true);
  expect(overlaps(save, revert), 'Save and Revert do not overlap').toBe(false);
}
