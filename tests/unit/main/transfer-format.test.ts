/**
 * The export format and the two streaming readers of import files, without etcd: any bytes
 * round-trip; lines and etcdctl's JSON read the same whatever the chunking; malformed input is
 * named by its line; 64-bit numbers keep every digit.
 */
import fc from 'fast-check';
import { entryLine, fileBytes, headerLine, MalformedLine, parseEntry, parseHeader } from '../../../src/main/core/transfer/format';
import { readLines } from '../../../src/main/core/transfer/lines';
import { readEtcdctlJson, type EtcdctlHeader } from '../../../src/main/core/transfer/etcdctl-json';

async function* chunked(buf: Buffer, cuts: number[]): AsyncGenerator<Buffer> {
  let from = 0;
  for (const c of [...new Set(cuts.map((x) => x % (buf.length + 1)))].sort((a, b) => a - b)) {
    if (c > from) yield buf.subarray(from, c);
    from = Math.max(from, c);
  }
  if (from < buf.length) yield buf.subarray(from);
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function malformed(p: Promise<unknown>): Promise<MalformedLine> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(MalformedLine);
  return err as MalformedLine;
}

describe('format', () => {
  it('any key and value bytes round-trip through a line', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.uint8Array({ maxLength: 256 }), (k, v) => {
        const key = Buffer.from(k);
        const value = Buffer.from(v);
        const line = entryLine({ key, value, createRevision: 2, modRevision: 3, version: 1 });
        expect(line.endsWith('\n')).toBe(true);
        expect(line.slice(0, -1)).not.toContain('\n');
        const e = parseEntry(line.slice(0, -1), 7);
        expect(e.key.equals(key)).toBe(true);
        expect(e.value.equals(value)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('text stays readable, other bytes are base64; lease ids keep all 64 bits', () => {
    expect(fileBytes(Buffer.from('héllo\n"x"'))).toEqual({ utf8: 'héllo\n"x"' });
    expect(fileBytes(Buffer.from([0xff, 0x00]))).toEqual({ base64: '/wA=' });
    const line = entryLine({ key: Buffer.from('k'), value: Buffer.alloc(0), createRevision: 1, modRevision: 1, version: 1, lease: '9223372036854775807', leaseTtl: 30 });
    expect(JSON.parse(line)).toEqual({ key: { utf8: 'k' }, value: { utf8: '' }, createRevision: 1, modRevision: 1, version: 1, lease: '9223372036854775807', leaseTtl: 30 });
  });

  it('a header names the format and version; a newer version is refused with words', () => {
    const h = headerLine({ cluster: 'abc', revision: 5, prefix: { utf8: 'a/' }, count: 2, exportedAt: 'now' });
    expect(parseHeader(h.trim()).revision).toBe(5);
    expect(() => parseHeader('{"format":"etcd-desktop-export","version":2}')).toThrow(/version 2/);
    expect(() => parseHeader('{"hello":1}')).toThrow(MalformedLine);
  });

  it('bad lines are refused with their number and a reason', () => {
    const cases: Array<[string, RegExp]> = [
      ['{"key":', /not JSON/],
      ['[1]', /not a JSON object/],
      ['{"key":{"utf8":""},"value":{"utf8":"v"}}', /empty/],
      ['{"key":{"utf8":"a","base64":"YQ=="},"value":{"utf8":"v"}}', /exactly one/],
      ['{"key":{"base64":"*"},"value":{"utf8":"v"}}', /not valid base64/],
      ['{"key":{"utf8":"a"}}', /"value"/],
      ['{"key":{"utf8":"\\ud800"},"value":{"utf8":"v"}}', /lone surrogate/],
    ];
    for (const [text, reason] of cases) {
      const err = (() => {
        try {
          parseEntry(text, 12);
        } catch (e) {
          return e as MalformedLine;
        }
        throw new Error(`accepted: ${text}`);
      })();
      expect(err).toBeInstanceOf(MalformedLine);
      expect(err.line).toBe(12);
      expect(err.reason).toMatch(reason);
    }
  });
});

describe('readLines', () => {
  it('the same lines and numbers whatever the chunking (\\n and \\r\\n, no final newline)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ maxLength: 40 }).map((s) => s.replace(/[\r\n]/g, '')), { minLength: 1, maxLength: 20 }), fc.array(fc.nat(), { maxLength: 8 }), fc.boolean(), fc.boolean(), async (lines, cuts, crlf, finalNewline) => {
        const nl = crlf ? '\r\n' : '\n';
        const text = lines.join(nl) + (finalNewline ? nl : '');
        const got = await collect(readLines(chunked(Buffer.from(text), cuts)));
        // A newline ends a line: without one at the end, a last empty line is no line at all.
        const expected = !finalNewline && lines.at(-1) === '' ? lines.slice(0, -1) : lines;
        expect(got.map((l) => l.text)).toEqual(expected);
        expect(got.map((l) => l.line)).toEqual(expected.map((_, i) => i + 1));
      }),
      { numRuns: 300 },
    );
  });

  it('a line that is not UTF-8 is named; so is one too long', async () => {
    const bad = Buffer.concat([Buffer.from('ok\nok\n'), Buffer.from([0xc3, 0x28]), Buffer.from('\nok\n')]);
    expect((await malformed(collect(readLines(chunked(bad, [3, 7]))))).line).toBe(3);
    expect((await malformed(collect(readLines(chunked(Buffer.from('a\nbbbbbbbbbbbb\n'), [5]), 8)))).line).toBe(2);
  });
});

describe('etcdctl -w json', () => {
  const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');

  it('entries and header read the same whatever the chunking; 64-bit numbers keep every digit', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ key: fc.uint8Array({ minLength: 1, maxLength: 20 }), value: fc.option(fc.uint8Array({ maxLength: 50 }), { nil: undefined }) }), { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        async (kvs, cuts) => {
          const items = kvs.map(
            (kv, i) =>
              `{"key":"${b64(kv.key)}","create_revision":${i + 2},"mod_revision":${i + 3},"version":1${kv.value ? `,"value":"${b64(kv.value)}"` : ''},"lease":7587869330113628164}`,
          );
          const doc = `{"header":{"cluster_id":14841639068965178418,"member_id":10276657743932975437,"revision":${kvs.length + 9},"raft_term":2}${kvs.length ? `,"kvs":[${items.join(',')}]` : ''},"count":${kvs.length}}\n`;
          let header: EtcdctlHeader | undefined;
          const got = await collect(readEtcdctlJson(chunked(Buffer.from(doc), cuts), (h) => (header = h)));
          expect(header?.cluster_id).toBe('14841639068965178418');
          expect(header?.revision).toBe(String(kvs.length + 9));
          expect(got.length).toBe(kvs.length);
          got.forEach((e, i) => {
            expect(e.index).toBe(i + 1);
            expect(e.key.equals(Buffer.from(kvs[i].key))).toBe(true);
            expect(e.value.equals(Buffer.from(kvs[i].value ?? []))).toBe(true);
            expect(e.valueAbsent).toBe(kvs[i].value === undefined);
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('pretty-printed output (jq) reads too, with the line each entry starts on', async () => {
    const doc = JSON.stringify({ header: { revision: 3 }, kvs: [{ key: 'YQ==', value: 'MQ==' }, { key: 'Yg==', value: 'Mg==' }] }, null, 2);
    const got = await collect(readEtcdctlJson(chunked(Buffer.from(doc), [10])));
    expect(got.map((e) => [e.key.toString(), e.value.toString(), e.line])).toEqual([
      ['a', '1', 6],
      ['b', '2', 10],
    ]);
  });

  it('malformed documents are named by line and byte', async () => {
    const cases: Array<[string, RegExp]> = [
      ['', /empty/],
      ['{"header":{}, "kvs":[{"key":"YQ=="}', /cut short/],
      ['{"kvs":[{"key":"not base64!"}]}', /entry 1/],
      ['{"kvs":[{"value":"YQ=="}]}', /"key" is missing/],
      ['{"kvs":{}}', /not an array/],
      ['{"kvs":[]} {}', /after the end/],
      ['{"kvs":[1]}', /not an object/],
      ['{"kvs" [1]}', /expected ":"/],
      ['[1]', /neither/],
      ['hello', /unexpected character "h"/],
      ['{"kvs":[{"key":"YQ==","x":tru}]}', /unexpected text/],
    ];
    for (const [doc, reason] of cases) {
      const err = await malformed(collect(readEtcdctlJson(chunked(Buffer.from(doc), [3]))));
      expect(err.line).toBe(1);
      expect(err.reason).toMatch(reason);
    }
    const multi = await malformed(collect(readEtcdctlJson(chunked(Buffer.from('{\n"kvs": [\n{"key": "YQ=="},\n{"key": 5}\n]}'), []))));
    expect(multi.line).toBe(4);
  });
});
