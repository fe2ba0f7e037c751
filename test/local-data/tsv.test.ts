/** The engine TSV dialect: every value round-trips; conversions from PostgreSQL text and CSV. */
import fc from 'fast-check';
import { Readable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import {
  DelimitedParser,
  encodeCsvRow,
  encodeTsvRow,
  lastRecordEnd,
  parseDelimited,
  parseTsv,
  PgTextToTsv,
  recordBatches,
  REDSHIFT_TSV_COPY_OPTIONS,
  type TextRow,
} from '../../src/local/tsv.js';
import { parseLoadOptions } from '../../src/local/activities/copy-options.js';

async function collect(gen: AsyncIterable<TextRow[]>): Promise<TextRow[]> {
  const out: TextRow[] = [];
  for await (const b of gen) out.push(...b);
  return out;
}

/** Splits text into random-sized byte chunks, cutting multi-byte characters too. */
function chunked(text: string, sizes: number[]): Buffer[] {
  const buf = Buffer.from(text);
  const out: Buffer[] = [];
  let i = 0;
  let k = 0;
  while (i < buf.length) {
    const n = Math.max(1, sizes[k++ % sizes.length] ?? 7);
    out.push(buf.subarray(i, i + n));
    i += n;
  }
  return out;
}

const value = fc.option(
  fc.oneof(
    fc.string({ unit: 'grapheme' }),
    fc.constantFrom('', 'NULL', '\\N', '\\', '\t', '\n', '\r', '\r\n', '\\\\N', '😀', 'a\\\tb'),
  ),
  { nil: null },
);
const rowsArb = fc.array(fc.array(value, { minLength: 1, maxLength: 5 }), { maxLength: 20 });

describe('engine TSV', () => {
  test('the documented Redshift options parse to exactly this dialect', () => {
    expect(REDSHIFT_TSV_COPY_OPTIONS).toBe("DELIMITER '\\t' ESCAPE NULL AS '\\N'");
    expect(parseLoadOptions(REDSHIFT_TSV_COPY_OPTIONS, 't').parse).toEqual({
      delimiter: '\t',
      escape: true,
      nullAs: '\\N',
    });
  });

  test('NULL, empty, "NULL" and "\\N" are four different fields', () => {
    expect(encodeTsvRow([null, '', 'NULL', '\\N'])).toBe('\\N\t\tNULL\t\\\\N\n');
    expect(encodeTsvRow(['a\tb', 'c\nd', 'e\rf', 'g\\h'])).toBe('a\\\tb\tc\\\nd\te\\\rf\tg\\\\h\n');
  });

  test('any rows round-trip through encode → parse, whatever the chunking', async () => {
    await fc.assert(
      fc.asyncProperty(
        rowsArb,
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1 }),
        async (rows, sizes) => {
          const text = rows.map(encodeTsvRow).join('');
          const parsed = await collect(parseTsv(Readable.from(chunked(text, sizes))));
          expect(parsed).toEqual(rows);
        },
      ),
      { numRuns: 200 },
    );
  });

  test('record batches split only at record ends', async () => {
    await fc.assert(
      fc.asyncProperty(rowsArb, fc.integer({ min: 1, max: 40 }), async (rows, min) => {
        const text = rows.map(encodeTsvRow).join('');
        const batches: Buffer[] = [];
        for await (const b of recordBatches(Readable.from(chunked(text, [5, 3, 11])), min)) batches.push(b);
        expect(Buffer.concat(batches).toString()).toBe(text);
        for (const b of batches) expect(lastRecordEnd(b)).toBe(b.length);
      }),
      { numRuns: 100 },
    );
  });

  test('PostgreSQL COPY text output converts to the dialect across chunk boundaries', async () => {
    const pg = '1\ta\\tb\\nc\\rd\\\\e\\N\t\\N\t\\b\\f\\v\n';
    for (const sizes of [[1], [2], [3], [100]]) {
      const t = new PgTextToTsv();
      const out: Buffer[] = [];
      t.on('data', (c: Buffer) => out.push(c));
      for (const c of chunked(pg, sizes)) t.write(c);
      t.end();
      await new Promise((r) => t.on('end', r));
      expect(Buffer.concat(out).toString()).toBe('1\ta\\\tb\\\nc\\\rd\\\\e\\N\t\\N\t\b\f\v\n');
    }
  });
});

describe('other delimited forms', () => {
  test('CSV round-trips, NULL vs empty string kept', async () => {
    await fc.assert(
      fc.asyncProperty(rowsArb, async (rows) => {
        const text = rows.map((r) => encodeCsvRow(r)).join('');
        const parsed = await collect(parseDelimited(Readable.from(chunked(text, [4, 1, 9])), { csv: true }));
        // A single NULL column is an empty line, which CSV cannot tell from nothing.
        const expected = rows.map((r) => (r.length === 1 && r[0] === null ? [null] : r));
        expect(parsed).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });

  test('NULL AS, IGNOREHEADER, no ESCAPE, CRLF, BLANKSASNULL', () => {
    const p = new DelimitedParser({ delimiter: '|', nullAs: 'NULL', ignoreHeader: 1, blanksAsNull: true });
    const rows = p.push('h1|h2\r\na\\b|NULL\r\n  |\n');
    p.end(rows);
    expect(rows).toEqual([
      ['a\\b', null],
      [null, ''],
    ]);
  });
});

test('CSV with CRLF line ends, quoted CR kept', () => {
  const p = new DelimitedParser({ csv: true });
  const rows = p.push('"a",b\r\n"c\r",d\r\n');
  p.end(rows);
  expect(rows).toEqual([
    ['a', 'b'],
    ['c\r', 'd'],
  ]);
});
