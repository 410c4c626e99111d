import { useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';

interface SplitterProps {
  /** Accessible name: what it resizes ("Sidebar width"). */
  readonly label: string;
  /** The size of the pane it resizes, px. */
  readonly value: number;
  readonly min: number;
  readonly max: number;
  readonly onChange: (value: number) => void;
  /**
   * 1 when the pane is left of the splitter (moving right grows it), -1 when it is right of it.
   */
  readonly grows?: 1 | -1;
  /** The id of the pane it resizes. */
  readonly controls?: string;
  readonly className?: string;
  readonly testId?: string;
}

/** px per arrow key press; Shift moves further. */
const STEP = 16;
const BIG_STEP = 64;

/**
 * A vertical window splitter (WAI-ARIA "window splitter"): drag it with a pointer, or focus it
 * and use the arrow keys, Home (smallest) and End (largest). Its value is the pane's width.
 */
export function Splitter({ label, value, min, max, onChange, grows = 1, controls, className, testId }: SplitterProps) {
  const drag = useRef<{ readonly x: number; readonly value: number } | null>(null);
  const [dragging, setDragging] = useState(false);
  const clamp = (n: number) => Math.round(Math.min(max, Math.max(min, n)));

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const step = e.shiftKey ? BIG_STEP : STEP;
    let next: number | null = null;
    if (e.key === 'ArrowRight') next = value + grows * step;
    else if (e.key === 'ArrowLeft') next = value - grows * step;
    else if (e.key === 'Home') next = min;
    else if (e.key === 'End') next = max;
    if (next === null) return;
    e.preventDefault();
    onChange(clamp(next));
  };

  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (e.button !== 0) return;
    e.preventDefault(); // no text selection while dragging
    // Capture keeps the drag going when the pointer leaves the thin handle (or the window).
    e.currentTarget.setPointerCapture?.(e.pointerId);
    e.currentTarget.focus();
    drag.current = { x: e.clientX, value };
    setDragging(true);
  };

  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    const start = drag.current;
    if (start) onChange(clamp(start.value + grows * (e.clientX - start.x)));
  };

  const endDrag = (e: PointerEvent<HTMLDivElement>) => {
    if (!drag.current) return;
    drag.current = null;
    setDragging(false);
    if (e.currentTarget.hasPointerCapture?.(e.pointerId)) e.currentTarget.releasePointerCapture(e.pointerId);
  };

  return (
    <div
      role="separator"
      aria-orientation="vertical"
      aria-label={label}
      aria-valuenow={Math.round(value)}
      aria-valuemin={Math.round(min)}
      aria-valuemax={Math.round(max)}
      aria-controls={controls}
      tabIndex={0}
      title={`${label}: drag, or focus and use the arrow keys`}
      className={`splitter${dragging ? ' dragging' : ''}${className ? ` ${className}` : ''}`}
      data-testid={testId}
      onKeyDown={onKeyDown}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={endDrag}
      onPointerCancel={endDrag}
      onLostPointerCapture={endDrag}
    />
  );
}
