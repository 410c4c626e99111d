/**
 * The Kubernetes view's text: which values get the view, YAML that means the same object to a
 * YAML 1.1 reader (kubectl's go-yaml) and a 1.2 one, JSON, Secrets masked (keys kept), unknown
 * field lines. Prints how long the YAML of a 1 MB ConfigMap takes (no timed assertion).
 */
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { decodeK8sValue } from '../../../src/main/core/k8s/decode';
import { isKubernetesValue, maskSecret, MASK, objectText, unknownFieldLine } from '../../../src/renderer/src/features/kubernetes/k8s-value';
import { fromUint8, text } from '../../../src/shared/bytes';
import type { JsonValue } from '../../../src/shared/k8s';
import { fixtureBytes, k8sFixtures, syntheticConfigMap } from '../../support/k8s-values';

describe('k8s-value', () => {
  it('offers the view for k8s\\0, k8s:enc: and JSON under /registry/, not for other values', () => {
    for (const f of k8sFixtures) expect(isKubernetesValue(text(f.key), fromUint8(fixtureBytes(f)))).toBe(true);
    expect(isKubernetesValue(text('/registry/example.com/widgets/a'), text(' {"kind":"Widget"}'))).toBe(true);
    expect(isKubernetesValue(text('/app/config'), text('{"kind":"Widget"}'))).toBe(false);
    expect(isKubernetesValue(text('/registry/x'), text('plain'))).toBe(false);
    expect(isKubernetesValue(text('/x'), text('k8s'))).toBe(false);
  });

  it('YAML of every fixture parses back to the object under YAML 1.1 and 1.2; JSON is 2-space indented', () => {
    for (const f of k8sFixtures.filter((x) => x.expected !== null)) {
      const yaml = objectText(f.expected, 'yaml');
      expect(parse(yaml), f.key).toEqual(f.expected);
      expect(parse(yaml, { version: '1.1' }), f.key).toEqual(f.expected);
      expect(objectText(f.expected, 'json')).toBe(`${JSON.stringify(f.expected, null, 2)}\n`);
    }
  });

  it("quotes strings a YAML 1.1 reader would take for something else, as kubectl does; lists sit under their key", () => {
    const o: JsonValue = { metadata: { labels: { a: 'yes', b: 'on', c: 'y', d: '0755', e: '1_000', f: '11', g: '~', h: 'nginx:1.27.3', i: '0o14', k: '', m: '1:20' }, t: '2026-07-20T09:12:44Z' }, n: 3, list: [{ x: 'off' }] };
    const yaml = objectText(o, 'yaml');
    expect(yaml).toBe(
      [
        'metadata:',
        '  labels:',
        '    a: "yes"',
        '    b: "on"',
        '    c: "y"',
        '    d: "0755"',
        '    e: "1_000"',
        '    f: "11"',
        '    g: "~"',
        '    h: nginx:1.27.3',
        '    i: "0o14"',
        '    k: ""',
        '    m: "1:20"',
        '  t: "2026-07-20T09:12:44Z"',
        '"n": 3',
        'list:',
        '- x: "off"',
        '',
      ].join('\n'),
    );
    expect(parse(yaml, { version: '1.1' })).toEqual(o);
  });

  it('masks the values of a Secret’s data and stringData, keeps the keys, leaves other kinds alone', () => {
    const secret: JsonValue = { kind: 'Secret', data: { a: 'c2VjcmV0', b: '' }, stringData: { c: 'plain' }, type: 'Opaque' };
    expect(maskSecret(secret)).toEqual({ kind: 'Secret', data: { a: MASK, b: MASK }, stringData: { c: MASK }, type: 'Opaque' });
    const cm: JsonValue = { kind: 'ConfigMap', data: { a: 'x' } };
    expect(maskSecret(cm)).toBe(cm);
  });

  it("masks kubectl apply's last-applied annotation of a Secret (it holds the data too), and no other annotation", () => {
    const applied = JSON.stringify({ apiVersion: 'v1', kind: 'Secret', data: { password: 'aHVudGVyMg==' } });
    const secret: JsonValue = { kind: 'Secret', metadata: { name: 's', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': applied, team: 'db' } }, data: { password: 'aHVudGVyMg==' } };
    const masked = maskSecret(secret);
    expect(JSON.stringify(masked)).not.toContain('aHVudGVyMg');
    expect(masked).toEqual({ kind: 'Secret', metadata: { name: 's', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': MASK, team: 'db' } }, data: { password: MASK } });
  });

  it('an unknown field line names the field, wire type, path and bytes (masked for a Secret)', () => {
    const f = { path: 'spec.containers[0]', field: 99, wireType: 0, bytes: Buffer.from([0x98, 0x06, 0x01]).toString('base64'), offset: 10 };
    expect(unknownFieldLine(f, false)).toBe('# unknown field 99 (wire type 0) at spec.containers[0]: 98 06 01');
    expect(unknownFieldLine(f, true)).toBe(`# unknown field 99 (wire type 0) at spec.containers[0]: ${MASK} (a Secret's bytes: Reveal values to see them)`);
  });

  it('prints how long the YAML of a 1 MB ConfigMap takes', () => {
    const d = decodeK8sValue(syntheticConfigMap('big', 1000, 1024));
    if (d.kind !== 'object') throw new Error('not decoded');
    const started = performance.now();
    const yaml = objectText(d.object, 'yaml');
    const ms = performance.now() - started;
    expect(parse(yaml)).toEqual(d.object);
    console.log(`[k8s-view] YAML of a ${yaml.length}-character ConfigMap (1000 keys of 1 KiB) in ${ms.toFixed(1)} ms`);
  });
});
