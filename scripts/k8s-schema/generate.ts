/**
 * Generates src/main/core/k8s/schema.generated.json: the table the Kubernetes value decoder
 * (src/main/core/k8s/decode.ts) walks to turn stored protobuf into kubectl-shaped JSON.
 *
 * Usage:
 *   node --import tsx scripts/k8s-schema/generate.ts --tag <tag> [--source <owner/repo@commit>]... [--out <file>] <root> [<root> ...]
 *
 * Each <root> is a checkout (or `git archive` extract) of kubernetes/api or kubernetes/apimachinery
 * at one tag. Every folder under a root that holds a generated.proto is read together with the Go
 * files next to it (types.go and friends):
 *  - the .proto gives field numbers, scalar types, message references, repeated and map<> fields;
 *  - the Go struct tags give the JSON name, omitempty / omitzero, `json:",inline"` (and anonymous
 *    embeddings), and whether the Go field is a pointer (absent pointer = nil = null/omitted).
 * Messages and Go structs are joined by name and field number (the `protobuf:"...,N,..."` tag).
 * Upstream files are only read, never copied into this repository.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface FieldEntry {
  /** JSON name (Go struct tag); '' for inline embeddings. */
  name: string;
  /** A protobuf scalar type (string, int32, int64, bool, double, bytes, ...) or 'message'. */
  type: string;
  /** Full message name when type is 'message'. */
  ref?: string;
  repeated?: true;
  map?: { key: string; value: string; ref?: string };
  omitempty?: true;
  omitzero?: true;
  inline?: true;
  pointer?: true;
}

export interface MessageEntry {
  /** Messages whose Go type marshals itself to JSON in a special way. */
  special?: Special;
  /** A named Go slice type (`type X []Y`) carried in protobuf as a message with `repeated items = 1`. */
  wrapper?: true;
  fields: Record<string, FieldEntry>;
}

export type Special = 'time' | 'microtime' | 'duration' | 'quantity' | 'intOrString' | 'fieldsV1' | 'rawExtension';

export interface SchemaTable {
  source: { repos: string[]; tag: string; generatedBy: string };
  /** "apiVersion/Kind" (e.g. "v1/Pod", "apps/v1/Deployment") → full message name. */
  kinds: Record<string, string>;
  messages: Record<string, MessageEntry>;
}

const SPECIALS: Record<string, Special> = {
  'k8s.io.apimachinery.pkg.apis.meta.v1.Time': 'time',
  'k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime': 'microtime',
  'k8s.io.apimachinery.pkg.apis.meta.v1.Duration': 'duration',
  'k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1': 'fieldsV1',
  'k8s.io.apimachinery.pkg.api.resource.Quantity': 'quantity',
  'k8s.io.apimachinery.pkg.api.resource.QuantityValue': 'quantity',
  'k8s.io.apimachinery.pkg.util.intstr.IntOrString': 'intOrString',
  'k8s.io.apimachinery.pkg.runtime.RawExtension': 'rawExtension',
};

interface ProtoField {
  name: string;
  number: number;
  label: 'optional' | 'repeated' | 'map';
  type: string;
  mapKey?: string;
  mapValue?: string;
}

interface GoField {
  goName: string;
  goType: string;
  embedded: boolean;
  json?: string;
  protobuf?: string;
}

const SCALARS = new Set(['string', 'bytes', 'bool', 'int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64', 'fixed32', 'fixed64', 'sfixed32', 'sfixed64', 'double', 'float']);

function stripComments(src: string): string {
  // Block comments only where they open a line (license headers); `//` only after whitespace, so
  // URLs inside strings ("https://...") survive.
  return src.replace(/^\/\*[\s\S]*?\*\//gm, '').replace(/(^|\s)\/\/[^\n]*/g, '$1');
}

export function parseProto(src: string): { pkg: string; messages: Map<string, ProtoField[]> } {
  const text = stripComments(src);
  const pkg = /^\s*package\s+([\w.]+)\s*;/m.exec(text)?.[1];
  if (!pkg) throw new Error('generated.proto without a package');
  const messages = new Map<string, ProtoField[]>();
  // k8s generated.proto files have no nested messages: one level of `message X { ... }`.
  const re = /message\s+(\w+)\s*\{([^}]*)\}/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const fields: ProtoField[] = [];
    for (const stmt of m[2].split(';')) {
      const s = stmt.trim();
      if (!s || /^(option|reserved)\s/.test(s)) continue;
      const mm = /^map\s*<\s*([\w.]+)\s*,\s*([\w.]+)\s*>\s+(\w+)\s*=\s*(\d+)/.exec(s);
      if (mm) {
        fields.push({ name: mm[3], number: Number(mm[4]), label: 'map', type: 'map', mapKey: mm[1], mapValue: resolve(pkg, mm[2]) });
        continue;
      }
      const fm = /^(optional|repeated|required)?\s*([\w.]+)\s+(\w+)\s*=\s*(\d+)/.exec(s);
      if (!fm) throw new Error(`${pkg}.${m[1]}: cannot parse "${s}"`);
      fields.push({ name: fm[3], number: Number(fm[4]), label: fm[1] === 'repeated' ? 'repeated' : 'optional', type: resolve(pkg, fm[2]) });
    }
    messages.set(m[1], fields);
  }
  return { pkg, messages };
}

function resolve(pkg: string, type: string): string {
  if (type.startsWith('.')) return type.slice(1);
  if (SCALARS.has(type) || type.includes('.')) return type;
  return `${pkg}.${type}`;
}

/** Go struct declarations (and `type X []Y` slice declarations) of one package folder. */
export function parseGo(src: string): { structs: Map<string, GoField[]>; slices: Set<string>; embedsTypeMeta: Set<string> } {
  const text = stripComments(src);
  const structs = new Map<string, GoField[]>();
  const slices = new Set<string>();
  const embedsTypeMeta = new Set<string>();
  for (const m of text.matchAll(/^type\s+(\w+)\s+\[\](?!byte\b)[\w.*]+\s*$/gm)) slices.add(m[1]);
  const re = /^type\s+(\w+)\s+struct\s*\{/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    let depth = 1;
    let i = re.lastIndex;
    while (depth > 0 && i < text.length) {
      if (text[i] === '{') depth++;
      else if (text[i] === '}') depth--;
      else if (text[i] === '`') {
        const close = text.indexOf('`', i + 1);
        if (close < 0) break;
        i = close;
      }
      i++;
    }
    const body = text.slice(re.lastIndex, i - 1);
    const fields: GoField[] = [];
    for (const raw of body.split('\n')) {
      const line = raw.trim();
      if (!line) continue;
      const tagMatch = /`([^`]*)`/.exec(line);
      const decl = (tagMatch ? line.slice(0, tagMatch.index) : line).trim();
      const tags = tagMatch?.[1] ?? '';
      const parts = decl.split(/\s+/);
      const json = /json:"([^"]*)"/.exec(tags)?.[1];
      const protobuf = /(?:^|\s)protobuf:"([^"]*)"/.exec(tags)?.[1];
      if (parts.length === 1) {
        fields.push({ goName: parts[0].replace(/^\*/, '').replace(/^\w+\./, ''), goType: parts[0], embedded: true, json, protobuf });
        if (/^(metav1\.|v1\.)?TypeMeta$/.test(parts[0])) embedsTypeMeta.add(m[1]);
      } else {
        fields.push({ goName: parts[0], goType: parts.slice(1).join(' '), embedded: false, json, protobuf });
      }
    }
    structs.set(m[1], fields);
  }
  return { structs, slices, embedsTypeMeta };
}

function walk(dir: string, out: string[]): void {
  for (const name of readdirSync(dir)) {
    if (name.startsWith('.') || name === 'testdata' || name === 'vendor') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name === 'generated.proto') out.push(p);
  }
}

export function generate(roots: string[], tag: string, repos: string[] = []): SchemaTable {
  const protoFiles: string[] = [];
  for (const r of roots) walk(r, protoFiles);
  protoFiles.sort();
  const unmatched: string[] = [];
  const table: SchemaTable = { source: { repos, tag, generatedBy: 'scripts/k8s-schema/generate.ts' }, kinds: {}, messages: {} };
  for (const file of protoFiles) {
    const dir = file.slice(0, -'/generated.proto'.length);
    const { pkg, messages } = parseProto(readFileSync(file, 'utf8'));
    if (pkg.includes('testapigroup')) continue;
    let goSrc = '';
    let group: string | undefined;
    for (const name of readdirSync(dir).sort()) {
      if (!name.endsWith('.go') || name.endsWith('_test.go') || name.endsWith('.pb.go') || name.startsWith('zz_generated')) continue;
      const src = readFileSync(join(dir, name), 'utf8');
      goSrc += src + '\n';
      // doc.go's `+groupName=` marker, else register.go's `const GroupName = "..."`.
      const g = /\+groupName=([\w.-]*)/.exec(src) ?? /^const GroupName\s*=\s*"([\w.-]*)"/m.exec(src);
      if (g && group === undefined) group = g[1];
    }
    const go = parseGo(goSrc);
    const version = dir.split('/').pop() as string;
    for (const [msgName, protoFields] of messages) {
      const full = `${pkg}.${msgName}`;
      const entry: MessageEntry = { fields: {} };
      const special = SPECIALS[full];
      if (special) entry.special = special;
      if (go.slices.has(msgName) && protoFields.length === 1 && protoFields[0].name === 'items') entry.wrapper = true;
      const goFields = go.structs.get(msgName) ?? [];
      const byNumber = new Map<number, GoField>();
      for (const gf of goFields) {
        const n = gf.protobuf ? Number(gf.protobuf.split(',')[1]) : NaN;
        if (Number.isFinite(n)) byNumber.set(n, gf);
      }
      for (const pf of protoFields) {
        const gf = byNumber.get(pf.number);
        const f: FieldEntry = { name: pf.name, type: 'message' };
        if (!gf) unmatched.push(`${full}.${pf.name}`);
        if (gf) {
          const opts = (gf.json ?? '').split(',');
          const jsonName = opts[0];
          if (jsonName === '-') continue;
          if (opts.includes('inline') || (gf.embedded && jsonName === '')) {
            f.name = '';
            f.inline = true;
          } else {
            f.name = jsonName || gf.goName;
          }
          if (opts.includes('omitempty')) f.omitempty = true;
          if (opts.includes('omitzero')) f.omitzero = true;
          if (gf.goType.startsWith('*')) f.pointer = true;
        }
        if (pf.label === 'map') {
          f.type = 'map';
          f.map = SCALARS.has(pf.mapValue as string)
            ? { key: pf.mapKey as string, value: pf.mapValue as string }
            : { key: pf.mapKey as string, value: 'message', ref: pf.mapValue };
        } else if (SCALARS.has(pf.type)) {
          f.type = pf.type;
        } else {
          f.ref = pf.type;
        }
        if (pf.label === 'repeated') f.repeated = true;
        entry.fields[String(pf.number)] = sortKeys(f);
      }
      table.messages[full] = entry;
      if (go.embedsTypeMeta.has(msgName) && group !== undefined && pkg.startsWith('k8s.io.api.')) {
        table.kinds[`${group ? `${group}/` : ''}${version}/${msgName}`] = full;
      }
    }
  }
  if (unmatched.length) console.warn(`proto fields without a Go struct field (JSON name taken from the .proto): ${unmatched.join(', ')}`);
  table.kinds = sortKeys(table.kinds);
  table.messages = sortKeys(table.messages);
  return table;
}

function sortKeys<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) as T;
}

function main(argv: string[]): void {
  let out = 'src/main/core/k8s/schema.generated.json';
  let tag = '';
  const roots: string[] = [];
  const repos: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') out = argv[++i];
    else if (argv[i] === '--tag') tag = argv[++i];
    else if (argv[i] === '--source') repos.push(argv[++i]);
    else roots.push(argv[i]);
  }
  if (!roots.length || !tag) {
    console.error('usage: generate.ts --tag <tag> [--out <file>] <kubernetes/api dir> <kubernetes/apimachinery dir>');
    process.exit(2);
  }
  const table = generate(roots, tag, repos);
  writeFileSync(out, JSON.stringify(table, null, 0) + '\n');
  console.log(`${out}: ${Object.keys(table.messages).length} messages, ${Object.keys(table.kinds).length} kinds`);
}

if (process.argv[1] && /generate\.ts$/.test(process.argv[1])) main(process.argv.slice(2));
