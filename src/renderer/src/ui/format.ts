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

/** Seconds as "42 s", "3 min 05 s", "2 h 03 min", "4 d 2 h"; "expired" below 0 (a lease that ran out). */
export function formatDuration(seconds: number): string {
  if (seconds < 0) return 'expired';
  const s = Math.floor(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
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
