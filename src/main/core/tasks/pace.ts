/**
 * Progress events at most every `ms` (a forced one always goes): a job that settles thousands of
 * keys a second would otherwise send an IPC event per batch.
 */
export function pace(ms = 100): (force?: boolean) => boolean {
  let last = 0;
  return (force = false) => {
    const t = performance.now();
    if (!force && t - last < ms) return false;
    last = t;
    return true;
  };
}
