/**
 * Limits that both main (validating requests) and the UI (checking forms as the user types)
 * apply. One number, one place.
 */

export const PROFILE_NAME_MAX = 200;
export const ENDPOINTS_MAX = 32;
export const ENDPOINT_MAX_LENGTH = 500;
export const USERNAME_MAX = 256;
export const PASSWORD_MAX = 4096;
export const FILE_PATH_MAX = 4096;
export const COLOR_MAX = 32;

/** Every call of a profile has this deadline, in milliseconds. */
export const DEADLINE_MS = { min: 100, max: 600_000, default: 5000 } as const;

/** A listing page holds 1..PAGE_LIMIT_MAX keys. */
export const PAGE_LIMIT_MAX = 10_000;
/** Value previews in listings are at most this many bytes. */
export const PREVIEW_BYTES_MAX = 64 * 1024;
/** One `kv:previews` call names at most this many keys (a screenful is ~40 rows). */
export const PREVIEW_KEYS_MAX = 500;
/**
 * One `kv:previews` call stops starting reads once this many value bytes came back (etcd cannot
 * send part of a value: a 1 MB value costs 1 MB to preview); the caller asks again for the rest.
 */
export const PREVIEW_READ_BYTES_DEFAULT = 8 * 1024 * 1024;
export const PREVIEW_READ_BYTES_MAX = 256 * 1024 * 1024;

/**
 * Far above etcd's default request limit (1.5 MiB), so that big values reach the core and are
 * refused there with TOO_LARGE and their sizes, instead of a schema error.
 */
export const VALUE_FIELD_MAX = 16 * 1024 * 1024;
export const KEY_FIELD_MAX = 64 * 1024;

export const ENDPOINT_EXAMPLE = 'http://127.0.0.1:2379';

/**
 * What is wrong with one endpoint as typed, in words that finish the sentence "“<endpoint>” …",
 * or null when it is a URL etcd can be reached at: http or https (or no scheme), a host, and
 * a port from 1 to 65535, nothing else.
 */
export function endpointProblem(raw: string): string | null {
  const s = raw.trim();
  if (s === '') return 'is empty';
  if (s.length > ENDPOINT_MAX_LENGTH) return `is longer than ${ENDPOINT_MAX_LENGTH} characters`;
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(s)?.[1];
  if (scheme && !/^https?$/i.test(scheme)) return `starts with ${scheme}://: use http:// or https://`;
  const rest = scheme ? s.slice(scheme.length + 3) : s;
  if (rest.includes('@')) return 'contains a user name: put it in the User field instead';
  const hostPort = /^(\[[^\]]*\]|[^:/?#]*)(?::([^/?#]*))?(.*)$/.exec(rest);
  const [, host = '', port, tail = ''] = hostPort ?? [];
  if (host === '' || host === '[]') return `has no host: write it like ${ENDPOINT_EXAMPLE}`;
  if (port === undefined || port === '') return `has no port: add one, e.g. ${host}:2379`;
  if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535) return `has port ${port}: a port is a number from 1 to 65535`;
  if (tail !== '' && tail !== '/') return `has more than a host and a port (${tail}): an endpoint has no path`;
  try {
    new URL(`${scheme ?? 'http'}://${host}:${port}`);
  } catch {
    return `has a host that is not valid (${host})`;
  }
  return null;
}

/** Whether one endpoint, as typed, has a shape etcd can be reached at. */
export const isEndpoint = (s: string): boolean => endpointProblem(s) === null;

/** All endpoints of a profile use one scheme: grpc cannot mix TLS and plain members. */
export const oneScheme = (endpoints: readonly string[]): boolean =>
  new Set(endpoints.map((e) => e.trim().startsWith('https://'))).size <= 1;
