/** The per-value transforms and the TSV stream they run in (no server). */
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeTsvRow, parseTsv } from '../../src/local/tsv.js';
import { parseTransforms } from '../../src/transforms/spec.js';
import { TransformPlan, TsvColumnTransform } from '../../src/transforms/stream.js';
import { HmacSha256 } from '../../src/transforms/hmac.js';
import { decryptValue, encryptValue, hmacSha256, maskValue } from '../../src/transforms/values.js';
import { createHmac } from 'node:crypto';

const KEY = Buffer.alloc(32, 7);
const OTHER = Buffer.alloc(32, 9);

describe('value transforms', () => {
  it('hmac is keyed: equal for equal inputs, different under another key', () => {
    expect(hmacSha256(KEY, 'a@b.c')).toBe(hmacSha256(KEY, 'a@b.c'));
    expect(hmacSha256(KEY, 'a@b.c')).not.toBe(hmacSha256(OTHER, 'a@b.c'));
    expect(hmacSha256(KEY, 'a@b.c')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('the prepared-key HMAC equals node:crypto for any key and value length', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 150 }),
        fc.string({ unit: 'grapheme', maxLength: 200 }),
        (key, value) => {
          const want = createHmac('sha256', key).update(value, 'utf8').digest('hex');
          expect(new HmacSha256(key).hex(value)).toBe(want);
        },
      ),
      { numRuns: 400 },
    );
    // Every length around the one- and two-block padding boundaries.
    const h = new HmacSha256(KEY);
    for (let n = 0; n < 200; n++) {
      const v = 'é'.repeat(n % 7) + 'x'.repeat(n);
      expect(h.hex(v)).toBe(hmacSha256(KEY, v));
    }
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

  it('hmac on the byte path hashes the unescaped value, keeps NULL, and agrees across chunk cuts', async () => {
    const rows: (string | null)[][] = [
      ['1', 'ann@x.org', 'gone', 'tab\there\\ and\nnewline', 'Zoë'],
      ['2', null, '', '\\N', ''],
      ['3', 'back\\slash', 'x\ty', '', null],
    ];
    const plan = () =>
      new TransformPlan([
        { name: 'id' },
        {
          name: 'email',
          action: { spec: { column: 'email', kind: 'hmac_sha256' }, hmac: new HmacSha256(KEY), keyId: 'k' },
        },
        { name: 'ssn', action: { spec: { column: 'ssn', kind: 'drop' } } },
        {
          name: 'note',
          action: { spec: { column: 'note', kind: 'hmac_sha256' }, hmac: new HmacSha256(KEY) },
        },
        {
          name: 'who',
          action: { spec: { column: 'who', kind: 'mask' }, apply: (v) => maskValue(v, 'first', 1) },
        },
      ]);
    const text = Buffer.from(rows.map((r) => encodeTsvRow(r)).join(''));
    const h = (v: string | null) => (v === null ? null : hmacSha256(KEY, v));
    const want = rows.map((r) => [
      r[0],
      h(r[1]),
      h(r[3]),
      r[4] === null ? null : maskValue(r[4], 'first', 1),
    ]);
    for (const size of [1, 3, 7, text.length]) {
      const chunks = [];
      for (let i = 0; i < text.length; i += size) chunks.push(text.subarray(i, i + size));
      const p = plan();
      const out = await buffer(Readable.from(chunks).pipe(new TsvColumnTransform(p)));
      const back: (string | null)[][] = [];
      for await (const batch of parseTsv(Readable.from([out]))) back.push(...batch);
      expect(back).toEqual(want);
      expect(p.applied().map((a) => [a.column, a.values])).toEqual([
        ['email', 2],
        ['ssn', 3],
        ['note', 3],
        ['who', 2],
      ]);
    }
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
