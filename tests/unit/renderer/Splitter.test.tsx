// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { Splitter } from '../../../src/renderer/src/ui/Splitter';

afterEach(cleanup);

function Harness({ grows, start = 200 }: { grows?: 1 | -1; start?: number }) {
  const [value, setValue] = useState(start);
  return <Splitter label="Pane width" value={value} min={100} max={300} onChange={setValue} grows={grows} />;
}

const splitter = () => screen.getByRole('separator', { name: 'Pane width' });
const now = () => Number(splitter().getAttribute('aria-valuenow'));

describe('Splitter', () => {
  it('is a focusable vertical separator with its value, minimum and maximum', () => {
    render(<Harness />);
    const s = splitter();
    expect(s.getAttribute('aria-orientation')).toBe('vertical');
    expect(s.getAttribute('aria-valuemin')).toBe('100');
    expect(s.getAttribute('aria-valuemax')).toBe('300');
    expect(s.tabIndex).toBe(0);
    expect(now()).toBe(200);
  });

  it('arrow keys move it a step (Shift: further), Home and End to the limits, never past them', () => {
    render(<Harness />);
    fireEvent.keyDown(splitter(), { key: 'ArrowRight' });
    expect(now()).toBe(216);
    fireEvent.keyDown(splitter(), { key: 'ArrowLeft', shiftKey: true });
    expect(now()).toBe(152);
    fireEvent.keyDown(splitter(), { key: 'End' });
    expect(now()).toBe(300);
    fireEvent.keyDown(splitter(), { key: 'ArrowRight' });
    expect(now()).toBe(300);
    fireEvent.keyDown(splitter(), { key: 'Home' });
    expect(now()).toBe(100);
    fireEvent.keyDown(splitter(), { key: 'a' });
    expect(now()).toBe(100);
  });

  it('for a pane right of it, moving left grows the pane', () => {
    render(<Harness grows={-1} />);
    fireEvent.keyDown(splitter(), { key: 'ArrowLeft' });
    expect(now()).toBe(216);
  });

  it('follows a pointer drag from where it was grabbed, within its limits, until released', () => {
    render(<Harness />);
    const s = splitter();
    act(() => {
      fireEvent.pointerDown(s, { button: 0, clientX: 500, pointerId: 1 });
      fireEvent.pointerMove(s, { clientX: 530, pointerId: 1 });
    });
    expect(now()).toBe(230);
    expect(s.className).toContain('dragging');
    act(() => {
      fireEvent.pointerMove(s, { clientX: 900, pointerId: 1 });
    });
    expect(now()).toBe(300);
    act(() => {
      fireEvent.pointerUp(s, { clientX: 900, pointerId: 1 });
      fireEvent.pointerMove(s, { clientX: 400, pointerId: 1 });
    });
    expect(now()).toBe(300);
    expect(s.className).not.toContain('dragging');
  });

  it('ignores moves without a press, and presses of other buttons', () => {
    render(<Harness />);
    const s = splitter();
    act(() => {
      fireEvent.pointerMove(s, { clientX: 530 });
      fireEvent.pointerDown(s, { button: 2, clientX: 500 });
      fireEvent.pointerMove(s, { clientX: 560 });
    });
    expect(now()).toBe(200);
  });
});
