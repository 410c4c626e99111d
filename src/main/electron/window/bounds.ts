/**
 * The window's remembered position and size (userData/window-state.json). A damaged file or
 * a display that is gone must never leave the window unusable: both fall back to defaults.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Rectangle } from 'electron';

export interface WindowState {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly maximized: boolean;
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && Number.isInteger(v);

/** The stored state, or null when absent, unreadable or malformed. */
export function readWindowState(file: string): WindowState | null {
  try {
    const raw: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (typeof raw !== 'object' || raw === null) return null;
    const r = raw as Record<string, unknown>;
    if (!isInt(r.x) || !isInt(r.y) || !isInt(r.width) || !isInt(r.height)) return null;
    if (r.width < 100 || r.height < 100 || r.width > 100_000 || r.height > 100_000) return null;
    return { x: r.x, y: r.y, width: r.width, height: r.height, maximized: r.maximized === true };
  } catch {
    return null;
  }
}

/** Atomic (a temp file in the same directory, then rename), so a crash mid-write leaves the old state. */
export function writeWindowState(file: string, state: WindowState): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(tmp, JSON.stringify(state), { encoding: 'utf8', mode: 0o600 });
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

const overlap = (a: Rectangle, b: Rectangle): { w: number; h: number } => ({
  w: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
  h: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y),
});

/**
 * The saved state if enough of it (its top strip, where the title bar is) lies on one of
 * the displays' work areas; otherwise null (use the default size, centred).
 */
export function visibleState(saved: WindowState | null, workAreas: readonly Rectangle[]): WindowState | null {
  if (!saved) return null;
  const titleBar: Rectangle = { x: saved.x, y: saved.y, width: saved.width, height: 40 };
  const onScreen = workAreas.some((area) => {
    const o = overlap(titleBar, area);
    return o.w >= Math.min(100, saved.width) && o.h >= 20;
  });
  return onScreen ? saved : null;
}
