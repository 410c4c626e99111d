/** Small formatting helpers shared by components, messages and the store. */
import type { Bytes } from '../../../shared/bytes';
import { displayBytes } from '../../../shared/bytes';

const countFormat = new Intl.NumberFormat('en-US');

/** 12345 -> "12,345" */
export function formatCount(n: number): string {
  return countFormat.format(n);
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** A moment of today as a wall clock, local time: "12:03:04". */
export function formatClock(ms: number): string {
  const d = new Date(ms);
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** Bytes in binary units: "512 B", "1.5 KiB", "2.0 MiB". */
export function formatSize(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '—';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 * 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  return `${(n / (1024 * 1024 * 1024)).toFixed(1)} GiB`;
}

/** A key as people read it in messages: text as is, binary as hex; shortened. */
export function keyLabel(key: Bytes | null | undefined, max = 120): string {
  return key ? displayBytes(key, max) : '';
}

/** "0" means no lease. */
export function formatLease(lease: string): string {
  if (!lease || lease === '0') return '—';
  try {
    return `${lease} (0x${BigInt(lease).toString(16)})`;
  } catch {
    return lease;
  }
}
