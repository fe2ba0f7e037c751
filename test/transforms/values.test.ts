/** The per-value transforms and the TSV stream they run in (no server). */
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeTsvRow, parseTsv } from '../../src/local/tsv.js';
import { parseTransforms } from '../../src/transforms/spec.js';
import { TransformPlan, TsvColumnTransform } from '../../src/transforms/stream.js';
import { decryptValue, encryptValue, hmacSha256, maskValue } from '../../src/transforms/values.js';

const KEY = Buffer.alloc(32, 7);
const OTHER = Buffer.alloc(32, 9);

describe('value transforms', () => {
  it('hmac is keyed: equal for equal inputs, different under another key', () => {
    expect(hmacSha256(KEY, 'a@b.c')).toBe(hmacSha256(KEY, 'a@b.c'));
    expect(hmacSha256(KEY, 'a@b.c')).not.toBe(hmacSha256(OTHER, 'a@b.c'));
    expect(hmacSha256(KEY, 'a@b.c')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('mask keeps the domain, the first or last characters, or nothing', () => {
    expect(maskValue('ann.lee@example.com', 'domain')).toBe('***@example.com');
    expect(maskValue('no-at-sign', 'domain')).toBe('***');
    expect(maskValue('4111111111111111', 'last', 4)).toBe('***1111');
    expect(maskValue('Zoë Smith', 'first', 3)).toBe('Zoë***');
    expect(maskValue('abc', 'last', 4)).toBe('***');
    expect(maskValue('secret', 'none')).toBe('***');
  });

  it('encrypt round-trips, uses a fresh nonce per value, and fails under another key', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        const a = encryptValue(KEY, 'k1', s);
        expect(a.startsWith('enc:v1:k1:')).toBe(true);
        expect(decryptValue(KEY, a)).toBe(s);
      }),
      { numRuns: 200 },
    );
    expect(encryptValue(KEY, 'k1', 'x')).not.toBe(encryptValue(KEY, 'k1', 'x'));
    expect(() => decryptValue(OTHER, encryptValue(KEY, 'k1', 'x'))).toThrow(/ETL3706|decrypted/);
  });
});

describe('the transforms stream', () => {
  it('transforms only the named fields, drops dropped ones, keeps every awkward value of the others', async () => {
    const rows: (string | null)[][] = [
      ['1', 'a@x.org', 'drop me', 'tab\there\\ and\nnewline'],
      ['2', null, '', '\\N'],
      ['3', 'back\\slash@y.com', 'x\ty', ''],
    ];
    const plan = new TransformPlan([
      { name: 'id' },
      {
        name: 'email',
        action: {
          spec: { column: 'email', kind: 'mask', keep: 'domain' },
          apply: (v) => maskValue(v, 'domain'),
        },
      },
      { name: 'ssn', action: { spec: { column: 'ssn', kind: 'drop' } } },
      { name: 'note' },
    ]);
    const text = rows.map((r) => encodeTsvRow(r)).join('');
    // Small chunks: records cut anywhere, escapes split across chunk boundaries.
    const chunks = Array.from({ length: Math.ceil(text.length / 5) }, (_, i) =>
      Buffer.from(text.slice(i * 5, i * 5 + 5)),
    );
    const out = await buffer(Readable.from(chunks).pipe(new TsvColumnTransform(plan)));
    const back: (string | null)[][] = [];
    for await (const batch of parseTsv(Readable.from([out]))) back.push(...batch);
    expect(back).toEqual([
      ['1', '***@x.org', 'tab\there\\ and\nnewline'],
      ['2', null, '\\N'],
      ['3', '***@y.com', ''],
    ]);
    expect(plan.applied()).toEqual([
      { column: 'email', transform: 'mask (keep domain)', kind: 'mask', values: 2 },
      { column: 'ssn', transform: 'drop', kind: 'drop', values: 3 },
    ]);
  });

  it('a record with the wrong number of fields fails without printing it', async () => {
    const plan = new TransformPlan([
      { name: 'a' },
      { name: 'b', action: { spec: { column: 'b', kind: 'drop' } } },
    ]);
    const s = Readable.from([Buffer.from('1\tsecret-value\n2\tx\textra-secret\n')]).pipe(
      new TsvColumnTransform(plan),
    );
    const err = await buffer(s).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/record 2 has 3 fields/);
    expect(err?.message).not.toContain('secret');
  });
});

describe('transforms: in YAML', () => {
  it('reads short and long forms, and refuses an unkeyed hash with a hint', () => {
    const ok = parseTransforms({
      a: 'drop',
      b: 'hmac_sha256',
      c: { mask: 'domain' },
      d: { encrypt: { key: 'k2' } },
    });
    expect(ok.problems).toEqual([]);
    expect(ok.specs.map((s) => s.kind)).toEqual(['drop', 'hmac_sha256', 'mask', 'encrypt']);
    const bad = parseTransforms({ a: 'sha256', b: { tokenize: {} }, c: { mask: { keep: 'middle' } } });
    expect(bad.problems.map((p) => [p.code, p.key.join('.')])).toEqual([
      ['ETL3701', 'a'],
      ['ETL3700', 'b.tokenize'],
      ['ETL3700', 'c.mask.keep'],
    ]);
    expect(bad.problems[0].hint).toMatch(/hmac_sha256 \(keyed\)/);
  });
});
