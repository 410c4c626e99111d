/**
 * Kubernetes values as the API server stores them, for tests: the reference fixtures
 * (tests/fixtures/k8s/fixtures.json) and synthetic ConfigMaps of any size, written with a tiny
 * protobuf writer (k8s\0 + runtime.Unknown{typeMeta, raw}).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonValue } from '../../src/shared/k8s';

export interface K8sFixture {
  readonly key: string;
  readonly valueBase64: string;
  readonly expected: JsonValue;
  readonly kind: string;
  readonly note: string;
}

export const k8sFixtures = JSON.parse(readFileSync(join(__dirname, '../fixtures/k8s/fixtures.json'), 'utf8')) as K8sFixture[];

export const fixtureBytes = (f: K8sFixture): Uint8Array => new Uint8Array(Buffer.from(f.valueBase64, 'base64'));

export function k8sFixture(key: string): K8sFixture {
  const f = k8sFixtures.find((x) => x.key === key);
  if (!f) throw new Error(`no fixture ${key}`);
  return f;
}

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  do {
    let b = v & 0x7f;
    v = Math.floor(v / 128);
    if (v > 0) b |= 0x80;
    out.push(b);
  } while (v > 0);
  return out;
}

/** A length-delimited protobuf field. */
export const pbField = (n: number, payload: Uint8Array): Uint8Array => Buffer.concat([Buffer.from([...varint((n << 3) | 2), ...varint(payload.length)]), payload]);
export const pbString = (n: number, s: string): Uint8Array => pbField(n, Buffer.from(s, 'utf8'));

/** k8s\0 + runtime.Unknown with this apiVersion, kind and raw message. */
export function k8sEnvelope(apiVersion: string, kind: string, raw: Uint8Array): Uint8Array {
  const unknown = Buffer.concat([pbField(1, Buffer.concat([pbString(1, apiVersion), pbString(2, kind)])), pbField(2, raw), pbString(4, 'application/vnd.kubernetes.protobuf')]);
  return new Uint8Array(Buffer.concat([Buffer.from('k8s\0', 'latin1'), unknown]));
}

/** A v1 ConfigMap `name` in `default` with `entries` data keys (key-00000, ...) of `size` letters each. */
export function syntheticConfigMap(name: string, entries: number, size: number): Uint8Array {
  const data: Uint8Array[] = [];
  for (let i = 0; i < entries; i++) {
    data.push(pbField(2, Buffer.concat([pbString(1, `key-${String(i).padStart(5, '0')}`), pbString(2, String.fromCharCode(97 + (i % 26)).repeat(size))])));
  }
  return k8sEnvelope('v1', 'ConfigMap', Buffer.concat([pbField(1, Buffer.concat([pbString(1, name), pbString(3, 'default')])), ...data]));
}
