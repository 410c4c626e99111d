/**
 * Opt-in check against Kubernetes' own serialization testdata (never run in CI): for every
 * <group>.<version>.<Kind>.pb in the folder, decode must equal the .json kubectl-style (key order
 * aside) and encoding the decoded object must give the .pb back byte for byte.
 * Usage: npm run test:k8s-upstream -- <testdata/HEAD folder>   (see README.md next to this file)
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeK8sValue, schema, type JsonValue } from '../../src/main/core/k8s/decode';
import { encodeK8sObject, K8sEncodeError } from '../../src/main/core/k8s/encode';

/** Kinds the API server never stores in etcd (requests, reviews, options, envelopes). */
const NOT_STORED = /(Review|Options)$|^(TokenRequest|WatchEvent|Status|Eviction|Binding|Scale|ComponentStatus|APIGroup|APIGroupList|APIVersions|APIResourceList|Table|PartialObjectMetadata|PodStatusResult)$|List$/;

export function firstDifference(a: unknown, b: unknown, path = ''): string | undefined {
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b)) return `${path || '(top)'}: ${brief(a)} vs ${brief(b)}`;
    if (a.length !== b.length) return `${path || '(top)'}: ${a.length} items vs ${b.length}`;
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ao = a as Record<string, unknown>;
    const bo = b as Record<string, unknown>;
    for (const k of new Set([...Object.keys(ao), ...Object.keys(bo)])) {
      const p = path ? `${path}.${k}` : k;
      if (!(k in ao)) return `${p}: missing (expected ${brief(bo[k])})`;
      if (!(k in bo)) return `${p}: unexpected ${brief(ao[k])}`;
      const d = firstDifference(ao[k], bo[k], p);
      if (d) return d;
    }
    return undefined;
  }
  return Object.is(a, b) || a === b ? undefined : `${path || '(top)'}: ${brief(a)} vs expected ${brief(b)}`;
}

function brief(v: unknown): string {
  const s = JSON.stringify(v) ?? 'undefined';
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function check(dir: string, base: string): string {
  if (!existsSync(join(dir, `${base}.json`))) return 'skipped: no .json next to it';
  const pb = new Uint8Array(readFileSync(join(dir, `${base}.pb`)));
  const decoded = decodeK8sValue(pb);
  if (decoded.kind !== 'object') return `decode gave ${decoded.kind}${decoded.kind === 'error' ? `: ${decoded.message}` : ''}`;
  if (decoded.unknownFields.length) return `decode differs at ${decoded.unknownFields[0].path}: field ${decoded.unknownFields[0].field} unknown to the schema`;
  const expected = JSON.parse(readFileSync(join(dir, `${base}.json`), 'utf8')) as JsonValue;
  const diff = firstDifference(decoded.object, expected);
  if (diff) return `decode differs at ${diff}`;
  let encoded: Uint8Array;
  try {
    encoded = encodeK8sObject(decoded.apiVersion, decoded.objectKind, decoded.object);
  } catch (e) {
    if (e instanceof K8sEncodeError) return `encode refused: ${e.message}`;
    throw e;
  }
  const n = Math.min(encoded.length, pb.length);
  for (let i = 0; i < n; i++) if (encoded[i] !== pb[i]) return `encode differs at byte ${i} (${pb[i].toString(16)} expected, ${encoded[i].toString(16)} written)`;
  if (encoded.length !== pb.length) return `encode differs at byte ${n} (${pb.length} bytes expected, ${encoded.length} written)`;
  return 'ok';
}

function main(): void {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: npm run test:k8s-upstream -- <folder with <group>.<version>.<Kind>.pb and .json>');
    process.exit(2);
  }
  const bases = readdirSync(dir)
    .filter((f) => f.endsWith('.pb'))
    .map((f) => f.slice(0, -3))
    .sort();
  const totals = { ok: 0, skipped: 0, failed: 0, failedStored: 0 };
  console.log(`schema ${schema.source.tag}; ${bases.length} kinds in ${dir}`);
  for (const base of bases) {
    const kind = base.split('.').pop() as string;
    const stored = !NOT_STORED.test(kind);
    let result: string;
    try {
      result = check(dir, base);
    } catch (e) {
      result = `crashed: ${(e as Error).message}`;
    }
    if (result === 'ok') totals.ok++;
    else if (result.startsWith('skipped')) totals.skipped++;
    else {
      totals.failed++;
      if (stored) totals.failedStored++;
    }
    console.log(`${base}${stored ? '' : ' (not stored)'}: ${result}`);
  }
  console.log(`total ${bases.length}: ${totals.ok} ok, ${totals.failed} failed (${totals.failedStored} of them stored kinds), ${totals.skipped} skipped`);
  process.exit(totals.failedStored ? 1 : 0);
}

main();
