/**
 * `etcdctl get --prefix -w json` output, read as it streams: one JSON document
 * `{"header":{...},"kvs":[{"key":"<base64>","value":"<base64>","create_revision":N,...}],"count":N}`
 * that can be hundreds of MB, so it is never parsed whole. A small byte-level tokenizer feeds a
 * state machine that knows this shape, keeps only the entry being read, and skips anything else.
 *
 * Numbers are kept as their text: etcdctl prints 64-bit ids (cluster_id, member_id, lease) as
 * JSON numbers, which JSON.parse would round above 2^53. Lease ids are never used for anything.
 */
import { isStrictBase64 } from '../../../shared/contract/schemas';
import { MalformedLine } from './format';

export interface EtcdctlEntry {
  /** 1-based position in `kvs`. */
  readonly index: number;
  /** Line of the file where the entry starts. */
  readonly line: number;
  readonly key: Buffer;
  readonly value: Buffer;
  /** The entry had no "value" field (an empty value, or `--keys-only` output: etcdctl omits both). */
  readonly valueAbsent: boolean;
}

export interface EtcdctlHeader {
  /** Decimal text, exactly as printed (64 bits). */
  readonly cluster_id?: string;
  readonly member_id?: string;
  readonly revision?: string;
  readonly raft_term?: string;
}

type Tok =
  | { readonly t: '{' | '}' | '[' | ']' | ':' | ',' }
  | { readonly t: 'str'; readonly v: string }
  | { readonly t: 'num'; readonly v: string }
  | { readonly t: 'lit'; readonly v: 'true' | 'false' | 'null' };

const NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;
const isNumChar = (c: number): boolean => (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45;

/** Tokens of a JSON byte stream fed in chunks; `next` returns null when it needs more bytes. */
class Tokenizer {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  /** Absolute offset of buf[0] in the stream. */
  private base = 0;
  line = 1;
  eof = false;
  /** Offset and line where the last token started. */
  at = 0;
  atLine = 1;

  feed(chunk: Buffer): void {
    this.buf = this.pos < this.buf.length ? Buffer.concat([this.buf.subarray(this.pos), chunk]) : chunk;
    this.base += this.pos;
    this.pos = 0;
  }

  /** `reason` finishes "Line N of the file …": a clause, or with `raw` false a JSON problem. */
  fail(reason: string, raw = false): never {
    throw new MalformedLine(this.atLine, raw ? `${reason} (byte ${this.at + 1})` : `is not valid JSON: ${reason} (byte ${this.at + 1})`);
  }

  next(): Tok | null {
    const b = this.buf;
    let p = this.pos;
    while (p < b.length) {
      const c = b[p];
      if (c === 0x0a) this.line++;
      else if (c !== 0x20 && c !== 0x09 && c !== 0x0d) break;
      p++;
    }
    this.pos = p;
    this.at = this.base + p;
    this.atLine = this.line;
    if (p >= b.length) return null;
    const c = b[p];
    switch (c) {
      case 0x7b:
      case 0x7d:
      case 0x5b:
      case 0x5d:
      case 0x3a:
      case 0x2c:
        this.pos = p + 1;
        return { t: String.fromCharCode(c) as '{' };
      case 0x22: {
        let q = p + 1;
        let escaped = false;
        for (;;) {
          const e = b.indexOf(0x22, q);
          if (e < 0) return this.eof ? this.fail('unterminated string') : null;
          let bs = 0;
          for (let i = e - 1; i > p && b[i] === 0x5c; i--) bs++;
          if (bs > 0) escaped = true;
          if (bs % 2 === 0) {
            this.pos = e + 1;
            if (!escaped) {
              for (let i = p + 1; i < e; i++) if (b[i] < 0x20) this.fail('control character in a string');
              return { t: 'str', v: b.toString('utf8', p + 1, e) };
            }
            try {
              return { t: 'str', v: JSON.parse(b.toString('utf8', p, e + 1)) as string };
            } catch {
              return this.fail('invalid string');
            }
          }
          q = e + 1;
        }
      }
      case 0x74:
      case 0x66:
      case 0x6e: {
        const word = c === 0x74 ? 'true' : c === 0x66 ? 'false' : 'null';
        if (b.length - p < word.length) return this.eof ? this.fail('unexpected end') : null;
        if (b.toString('latin1', p, p + word.length) !== word) this.fail('unexpected text');
        this.pos = p + word.length;
        return { t: 'lit', v: word };
      }
      default: {
        if (!isNumChar(c)) this.fail(`unexpected character ${JSON.stringify(String.fromCharCode(c))}`);
        let q = p;
        while (q < b.length && isNumChar(b[q])) q++;
        if (q >= b.length && !this.eof) return null;
        const v = b.toString('latin1', p, q);
        if (!NUMBER.test(v)) this.fail('invalid number');
        this.pos = q;
        return { t: 'num', v };
      }
    }
  }
}

type Role = 'root' | 'header' | 'kvs' | 'kv' | 'skip';
type Expect = 'key-or-end' | 'key' | 'colon' | 'value' | 'value-or-end' | 'comma-or-end';

interface Frame {
  readonly kind: 'obj' | 'arr';
  readonly role: Role;
  expect: Expect;
  key?: string;
}

interface KvFields {
  line: number;
  key?: Tok;
  value?: Tok;
}

/**
 * Reads etcdctl's JSON from `chunks` and yields the entries of `kvs` in order. `onHeader` gets the
 * header once it has been read (it comes before `kvs` in etcdctl's output). Throws MalformedLine
 * (line and byte) for anything that is not JSON of this shape.
 */
export async function* readEtcdctlJson(chunks: AsyncIterable<Buffer>, onHeader?: (h: EtcdctlHeader) => void): AsyncGenerator<EtcdctlEntry> {
  const tk = new Tokenizer();
  const stack: Frame[] = [];
  const header: Record<string, string> = {};
  let kv: KvFields | undefined;
  let index = 0;
  let done = false;
  const out: EtcdctlEntry[] = [];

  const finishKv = (f: KvFields): void => {
    index++;
    const bad = (reason: string): never => {
      throw new MalformedLine(f.line, `has a bad entry ${index} in "kvs": ${reason}`);
    };
    if (!f.key || f.key.t !== 'str') return bad('"key" is missing or not a string');
    if (!isStrictBase64(f.key.v)) return bad('"key" is not base64');
    const key = Buffer.from(f.key.v, 'base64');
    if (key.length === 0) return bad('"key" is empty');
    if (f.value && (f.value.t !== 'str' || !isStrictBase64(f.value.v))) return bad('"value" is not a base64 string');
    const value = f.value && f.value.t === 'str' ? Buffer.from(f.value.v, 'base64') : Buffer.alloc(0);
    out.push({ index, line: f.line, key, value, valueAbsent: !f.value });
  };

  /** A value (scalar or container start) arrived in the current position. */
  const value = (tok: Tok): void => {
    const parent = stack.at(-1);
    if (!parent) {
      if (done) tk.fail('has text after the end of the JSON document', true);
      if (tok.t !== '{') tk.fail('is neither an etcd desktop export header nor the start of `etcdctl get -w json` output', true);
      stack.push({ kind: 'obj', role: 'root', expect: 'key-or-end' });
      return;
    }
    parent.expect = 'comma-or-end';
    const role: Role =
      parent.role === 'root' && parent.key === 'header' ? 'header'
      : parent.role === 'root' && parent.key === 'kvs' ? 'kvs'
      : parent.role === 'kvs' ? 'kv'
      : 'skip';
    if (tok.t === '{' || tok.t === '[') {
      const kind = tok.t === '{' ? 'obj' : 'arr';
      if (role === 'kvs' && kind !== 'arr') tk.fail('has a "kvs" that is not an array', true);
      if (role === 'kv' && kind !== 'obj') tk.fail(`has an entry ${index + 1} in "kvs" that is not an object`, true);
      if (role === 'kv') kv = { line: tk.atLine };
      stack.push({ kind, role: role === 'header' && kind !== 'obj' ? 'skip' : role, expect: kind === 'obj' ? 'key-or-end' : 'value-or-end' });
      return;
    }
    if (role === 'kvs') tk.fail('has a "kvs" that is not an array', true);
    if (role === 'kv') tk.fail(`has an entry ${index + 1} in "kvs" that is not an object`, true);
    if (parent.role === 'header' && parent.key && tok.t === 'num') header[parent.key] = tok.v;
    if (parent.role === 'kv' && kv && (parent.key === 'key' || parent.key === 'value')) kv[parent.key] = tok;
  };

  const step = (tok: Tok): void => {
    const f = stack.at(-1);
    if (!f) return value(tok);
    switch (f.expect) {
      case 'key-or-end':
      case 'key':
        if (tok.t === '}' && f.expect === 'key-or-end') return close(f);
        if (tok.t !== 'str') return tk.fail('expected a field name');
        f.key = tok.v;
        f.expect = 'colon';
        return;
      case 'colon':
        if (tok.t !== ':') return tk.fail('expected ":"');
        f.expect = 'value';
        return;
      case 'value-or-end':
        if (tok.t === ']') return close(f);
        return value(valueTok(tok));
      case 'value':
        return value(valueTok(tok));
      case 'comma-or-end':
        if (tok.t === ',') {
          f.expect = f.kind === 'obj' ? 'key' : 'value';
          return;
        }
        if ((tok.t === '}' && f.kind === 'obj') || (tok.t === ']' && f.kind === 'arr')) return close(f);
        return tk.fail(`expected "," or "${f.kind === 'obj' ? '}' : ']'}"`);
    }
  };

  const valueTok = (tok: Tok): Tok => {
    if (tok.t === '}' || tok.t === ']' || tok.t === ':' || tok.t === ',') tk.fail(`unexpected "${tok.t}"`);
    return tok;
  };

  const close = (f: Frame): void => {
    stack.pop();
    if (f.role === 'kv' && kv) {
      finishKv(kv);
      kv = undefined;
    }
    if (f.role === 'header') onHeader?.({ ...header });
    if (f.role === 'root') done = true;
  };

  const drain = function* (): Generator<EtcdctlEntry> {
    for (;;) {
      const tok = tk.next();
      if (!tok) break;
      step(tok);
      if (out.length >= 256) yield* out.splice(0);
    }
    yield* out.splice(0);
  };

  for await (const chunk of chunks) {
    tk.feed(chunk);
    yield* drain();
  }
  tk.eof = true;
  yield* drain();
  if (!done) tk.fail(stack.length === 0 ? 'is missing: the file is empty' : 'ends before the JSON document does (the file is cut short)', true);
}
