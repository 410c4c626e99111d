/**
 * Removes what must never be logged from free text (raw library messages): every string the
 * request carried (keys, values, prefixes, passwords, user names; in both their text and their
 * base64 forms) and anything shaped like a credential.
 */

const REDACTED = '‹redacted›';

/** Strings shorter than this are left alone: replacing "a" everywhere would garble the line and hide nothing. */
const MIN_SECRET_LENGTH = 3;

/** Request fields that identify app objects, not user data; logging them helps and leaks nothing. */
const SAFE_FIELDS = new Set(['profileId', 'id', 'jobId', 'subscriptionId', 'encoding', 'endpoints', 'deadlineMs', 'color']);

/** Every string leaf of a request that could be user data. */
export function sensitiveStrings(req: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown, field?: string): void => {
    if (field && SAFE_FIELDS.has(field)) return;
    if (typeof v === 'string') {
      if (v.length >= MIN_SECRET_LENGTH) out.push(v);
      return;
    }
    if (Array.isArray(v)) v.forEach((x) => walk(x, field));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  walk(req);
  return out;
}

/** Whole credentials first (a PEM block, a bearer token), then `name: value` pairs. */
const WHOLE_CREDENTIALS: RegExp[] = [/-----BEGIN [A-Z ]+-----[\s\S]*?-----END [A-Z ]+-----/g, /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g];
const NAMED_CREDENTIAL = /(password|passwd|pwd|token|secret|authorization)(["']?\s*[:=]\s*["']?)(?!‹redacted›)[^\s"',;}]+/gi;

export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  // Longest first, so a secret that contains another is removed whole.
  for (const s of [...new Set(secrets)].sort((a, b) => b.length - a.length)) {
    // Plain string search, not a RegExp: a secret can be a value of megabytes.
    if (s.length < MIN_SECRET_LENGTH || s.length > out.length) continue;
    out = out.split(s).join(REDACTED);
    const b64 = Buffer.from(s, 'utf8').toString('base64');
    if (b64.length <= out.length) out = out.split(b64).join(REDACTED);
  }
  for (const p of WHOLE_CREDENTIALS) out = out.replace(p, REDACTED);
  return out.replace(NAMED_CREDENTIAL, (_m, name: string, sep: string) => `${name}${sep}${REDACTED}`);
}
