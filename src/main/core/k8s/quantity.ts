/**
 * resource.Quantity's canonical string (Go's Quantity.String() after ParseQuantity): what kubectl
 * prints. Values keep their format (binary Ki/Mi/..., decimal SI m/k/M/..., or exponent e3);
 * decimal values use the largest exponent that is a multiple of 3 with an integer mantissa
 * ("0.5" → "500m", "1000" → "1k", "1.5k" → "1500"); binary values below 1024 or not whole
 * print as decimal SI ("0.5Ki" → "512"); precision below nano is rounded up, as Go does.
 * Returns undefined for text that is not a quantity.
 */
const BINARY: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const DECIMAL_SUFFIX = new Map(Object.entries(DECIMAL).map(([k, v]) => [v, k]));
const BINARY_SUFFIX = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

export function canonicalQuantity(text: string): string | undefined {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?([eE][+-]?\d+|[KMGTPE]i|[numkMGTPE]?)$/.exec(text.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const negative = m[1] === '-';
  const frac = m[3] ?? '';
  let n = BigInt((m[2] || '0') + frac);
  let scale = -frac.length; // value = n × 10^scale
  const suffix = m[4];
  let format: 'binary' | 'si' | 'exp' = 'si';
  if (suffix in BINARY) {
    format = 'binary';
    n *= 1n << BigInt(10 * BINARY[suffix]);
  } else if (/^[eE]/.test(suffix)) {
    format = 'exp';
    scale += Number(suffix.slice(1));
  } else {
    scale += DECIMAL[suffix];
  }
  if (n === 0n) return '0';
  // ParseQuantity keeps nano precision, rounding up (away from zero).
  if (scale < -9) {
    const div = 10n ** BigInt(-9 - scale);
    n = n / div + (n % div === 0n ? 0n : 1n);
    scale = -9;
  }
  while (n % 10n === 0n) {
    n /= 10n;
    scale++;
  }
  const sign = negative ? '-' : '';
  if (format === 'binary') {
    const whole = scale >= 0 ? n * 10n ** BigInt(scale) : undefined;
    if (whole !== undefined && whole >= 1024n) {
      let v = whole;
      let exp = 0;
      while (exp < 6 && v % 1024n === 0n) {
        v /= 1024n;
        exp++;
      }
      return `${sign}${v}${BINARY_SUFFIX[exp]}`;
    }
    format = 'si';
  }
  // Largest multiple of 3 not above the scale, mantissa made integer.
  const exp3 = Math.floor(scale / 3) * 3;
  const mantissa = n * 10n ** BigInt(scale - exp3);
  if (format === 'si' && DECIMAL_SUFFIX.has(exp3)) return `${sign}${mantissa}${DECIMAL_SUFFIX.get(exp3)}`;
  return `${sign}${mantissa}${exp3 === 0 ? '' : `e${exp3}`}`;
}
