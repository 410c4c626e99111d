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

/**
 * Far above etcd's default request limit (1.5 MiB), so that big values reach the core and are
 * refused there with TOO_LARGE and their sizes, instead of a schema error.
 */
export const VALUE_FIELD_MAX = 16 * 1024 * 1024;
export const KEY_FIELD_MAX = 64 * 1024;

/** host:port with an optional http(s) scheme (etcd3 accepts both); IPv6 hosts in brackets. */
export const ENDPOINT_PATTERN = /^(https?:\/\/)?(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}\/?$/;
export const ENDPOINT_EXAMPLE = 'http://127.0.0.1:2379';

/** Whether one endpoint, as typed, has a shape etcd can be reached at. */
export const isEndpoint = (s: string): boolean => s.trim().length <= ENDPOINT_MAX_LENGTH && ENDPOINT_PATTERN.test(s.trim());

/** All endpoints of a profile use one scheme: grpc cannot mix TLS and plain members. */
export const oneScheme = (endpoints: readonly string[]): boolean =>
  new Set(endpoints.map((e) => e.trim().startsWith('https://'))).size <= 1;
