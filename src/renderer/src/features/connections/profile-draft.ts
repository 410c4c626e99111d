/** The profile form's draft: what people type, how it is checked, and the ProfileInput it becomes. */
import { limits, type ProfileInput } from '../../../../shared/contract';
import type { AppError } from '../../../../shared/result';
import type { Profile, ProfileMode } from '../../../../shared/types';
import type { ProfileFormMode } from './connections-slice';
import { plainHttpConsentFor } from './plain-http';

export interface Draft {
  name: string;
  endpoints: string;
  username: string;
  password: string;
  clearPassword: boolean;
  caFile: string;
  certFile: string;
  keyFile: string;
  /** The name the server's certificate is checked against, when it is not the endpoint's host. */
  serverName: string;
  deadlineMs: string;
  color: string;
  /** What the app lets the user write with this profile (enforced in main). */
  mode: ProfileMode;
  allowPlaintext: boolean;
  /** The hosts the user agreed to send the password to over plain http (see plain-http.ts); '' for none. */
  plainHttpConsent: string;
}

const { DEADLINE_MS, PROFILE_NAME_MAX, USERNAME_MAX, ENDPOINTS_MAX, endpointProblem, oneScheme } = limits;

export function initialDraft(mode: ProfileFormMode, p?: Profile): Draft {
  return {
    name: p ? (mode === 'duplicate' ? `${p.name} copy` : p.name) : '',
    endpoints: p ? p.endpoints.join('\n') : 'http://127.0.0.1:2379',
    username: p?.username ?? '',
    password: '',
    clearPassword: false,
    caFile: p?.tls?.caFile ?? '',
    certFile: p?.tls?.certFile ?? '',
    keyFile: p?.tls?.keyFile ?? '',
    serverName: p?.tls?.serverName ?? '',
    deadlineMs: String(p?.deadlineMs ?? DEADLINE_MS.default),
    color: p?.color ?? '',
    mode: p?.mode ?? 'normal',
    allowPlaintext: false,
    plainHttpConsent: '',
  };
}

/** What the draft is saved with besides itself: whether a password is already stored for it. */
export interface DraftContext {
  readonly keptPassword: boolean;
}

/** Whether saving or testing the draft sends a password: a new one, or the stored one kept. */
export function sendsPassword(d: Draft, ctx: DraftContext): boolean {
  if (d.clearPassword) return false;
  return d.password !== '' || ctx.keptPassword;
}

/** The hosts the draft would send its password to over plain http ('' for none): what the consent checkbox asks about. */
export function plainHttpHostsOf(d: Draft, ctx: DraftContext): string {
  return plainHttpConsentFor(parseEndpoints(d.endpoints), sendsPassword(d, ctx));
}

export type FieldErrors = Partial<Record<'name' | 'endpoints' | 'deadlineMs' | 'username' | 'password' | 'tls' | 'plainHttp', string>>;

export function validate(d: Draft, ctx: DraftContext = { keptPassword: false }): FieldErrors {
  const errors: FieldErrors = {};
  if (!d.name.trim()) errors.name = 'Give the profile a name.';
  else if (d.name.trim().length > PROFILE_NAME_MAX) errors.name = `A name has at most ${PROFILE_NAME_MAX} characters.`;
  const endpoints = parseEndpoints(d.endpoints);
  const bad = endpoints.map((e) => [e, endpointProblem(e)] as const).find(([, problem]) => problem !== null);
  if (endpoints.length === 0) errors.endpoints = 'Add at least one endpoint, e.g. https://10.0.0.1:2379.';
  else if (bad) errors.endpoints = `“${bad[0]}” ${bad[1]}.`;
  else if (endpoints.length > ENDPOINTS_MAX) errors.endpoints = `A profile has at most ${ENDPOINTS_MAX} endpoints.`;
  else if (!oneScheme(endpoints)) errors.endpoints = 'Use one scheme for all endpoints: all http:// or all https://.';
  const ms = Number(d.deadlineMs);
  if (!Number.isInteger(ms) || ms < DEADLINE_MS.min || ms > DEADLINE_MS.max) {
    errors.deadlineMs = `A whole number of milliseconds between ${DEADLINE_MS.min} and ${DEADLINE_MS.max}.`;
  }
  if (d.username.length > USERNAME_MAX) errors.username = `A user name has at most ${USERNAME_MAX} characters.`;
  if (d.password && !d.username.trim()) errors.username = 'A password needs a username.';
  const hosts = errors.endpoints ? '' : plainHttpHostsOf(d, ctx);
  if (hosts && d.plainHttpConsent !== hosts) {
    errors.plainHttp = 'Tick the box to send the password unencrypted, or use https:// endpoints.';
  }
  return errors;
}

export function toInput(d: Draft, mode: ProfileFormMode, profile?: Profile): ProfileInput {
  const tls = {
    ...(d.caFile.trim() ? { caFile: d.caFile.trim() } : {}),
    ...(d.certFile.trim() ? { certFile: d.certFile.trim() } : {}),
    ...(d.keyFile.trim() ? { keyFile: d.keyFile.trim() } : {}),
    ...(d.serverName.trim() ? { serverName: d.serverName.trim() } : {}),
  };
  // string: set; null: remove the stored one; absent: keep what is stored.
  const password = d.clearPassword ? null : d.password !== '' ? d.password : undefined;
  return {
    ...(mode === 'edit' && profile ? { id: profile.id } : {}),
    name: d.name.trim(),
    endpoints: parseEndpoints(d.endpoints),
    ...(d.username.trim() ? { username: d.username.trim() } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(Object.keys(tls).length ? { tls } : {}),
    deadlineMs: Number(d.deadlineMs),
    ...(d.color ? { color: d.color } : {}),
    mode: d.mode,
    ...(d.allowPlaintext ? { allowPlaintextPassword: true } : {}),
  };
}

/** Maps a server-side INVALID_ARGUMENT field to the form field that shows it. */
export function fieldOf(error: AppError): keyof FieldErrors | null {
  const f = error.details?.field ?? '';
  if (f.startsWith('tls')) return 'tls';
  if (f === 'name' || f === 'endpoints' || f === 'deadlineMs' || f === 'username' || f === 'password') return f;
  if (f.startsWith('endpoints')) return 'endpoints';
  return null;
}

/** Split a list of endpoints typed by people: commas, spaces or newlines. */
export function parseEndpoints(s: string): string[] {
  return s
    .split(/[\s,]+/)
    .map((e) => e.trim())
    .filter((e) => e.length > 0);
}
