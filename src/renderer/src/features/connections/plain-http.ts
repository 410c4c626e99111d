/**
 * Where a password would travel unencrypted to another machine: etcd's password goes in every
 * authentication request, so over http:// (or an endpoint without a scheme, which is http) to
 * a host that is not this machine, anyone on the way can read it. The form asks first.
 */

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;
const IPV4_LOOPBACK = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
/** ::ffff:127.x.y.z as the URL parser writes it (::ffff:7fxx:xxxx). */
const IPV4_MAPPED_LOOPBACK = /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/;

/**
 * A host name as the URL parser normalises it (lower case, IPv6 in brackets, IPv4 in dotted
 * form: "127.1" and "0x7f.0.0.1" are 127.0.0.1) that stays on this machine: 127.0.0.0/8, ::1,
 * localhost.
 */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, '');
  return h === 'localhost' || IPV4_LOOPBACK.test(h) || h === '[::1]' || IPV4_MAPPED_LOOPBACK.test(h);
}

/** The host of a plain-http endpoint as typed, or null (https, another scheme, or not a URL: the form's other checks say so). */
function plainHttpHost(endpoint: string): string | null {
  const e = endpoint.trim();
  const scheme = SCHEME.exec(e)?.[1]?.toLowerCase();
  if (scheme !== undefined && scheme !== 'http') return null;
  try {
    return new URL(scheme ? e : `http://${e}`).hostname || null;
  } catch {
    return null;
  }
}

/** The other machines the endpoints reach over plain http, each once, in the order typed. */
export function plainHttpHosts(endpoints: readonly string[]): string[] {
  const hosts: string[] = [];
  for (const e of endpoints) {
    const host = plainHttpHost(e);
    if (host !== null && !isLoopbackHost(host) && !hosts.includes(host)) hosts.push(host);
  }
  return hosts;
}

/**
 * What the consent is for: the hosts joined ("10.0.0.5, 10.0.0.6"), or '' when none is needed
 * (no password is sent, or every endpoint is https or this machine). A consent given for other
 * hosts does not carry over.
 */
export function plainHttpConsentFor(endpoints: readonly string[], sendsPassword: boolean): string {
  return sendsPassword ? plainHttpHosts(endpoints).join(', ') : '';
}
