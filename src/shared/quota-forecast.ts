/**
 * When a member's database would reach its quota at the growth rate seen: a least-squares line
 * through (time, DB size) over the samples given. Pure, so the cluster view and the tests share it.
 */
export type QuotaForecast =
  /** Fewer than 3 samples, or less than `minSpanMs` of them: no rate yet. */
  | { readonly kind: 'too-early'; readonly spanMs: number }
  /** Flat or shrinking over the span seen. */
  | { readonly kind: 'not-growing'; readonly spanMs: number; readonly bytesPerHour: number }
  | {
      readonly kind: 'growing';
      readonly spanMs: number;
      readonly bytesPerHour: number;
      /** From the last sample until the line crosses the quota (0 when already at or past it). */
      readonly msToQuota: number;
    };

export const FORECAST_MIN_SPAN_MS = 10_000;

export function forecastQuota(
  samples: readonly { readonly at: number; readonly dbSize: number }[],
  quota: number,
  minSpanMs = FORECAST_MIN_SPAN_MS,
): QuotaForecast {
  const n = samples.length;
  const spanMs = n > 0 ? samples[n - 1].at - samples[0].at : 0;
  if (n < 3 || spanMs < minSpanMs) return { kind: 'too-early', spanMs };
  // Centre the times: epoch milliseconds squared lose precision in doubles.
  const t0 = samples[0].at;
  let st = 0;
  let sy = 0;
  for (const s of samples) {
    st += s.at - t0;
    sy += s.dbSize;
  }
  const mt = st / n;
  const my = sy / n;
  let num = 0;
  let den = 0;
  for (const s of samples) {
    const dt = s.at - t0 - mt;
    num += dt * (s.dbSize - my);
    den += dt * dt;
  }
  const perMs = den > 0 ? num / den : 0;
  const bytesPerHour = perMs * 3_600_000;
  if (perMs <= 0) return { kind: 'not-growing', spanMs, bytesPerHour };
  const last = samples[n - 1];
  const msToQuota = Math.max(0, (quota - last.dbSize) / perMs);
  return { kind: 'growing', spanMs, bytesPerHour, msToQuota };
}
