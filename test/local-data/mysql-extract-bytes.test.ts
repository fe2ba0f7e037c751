/**
 * The MySQL/MariaDB extract reads result packets straight off the socket (src/local/drivers/
 * mysql-tsv.ts). Tens of thousands of rows of every length class make packets straddle socket
 * chunks at every kind of offset (inside the 4-byte header, inside a length prefix, inside a
 * value) and cross the 1-, 3- and 4-byte length encodings: the bytes must equal the same rows
 * read through mysql2's own row parser and encoded by the engine's TSV writer.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { Writable } from 'node:stream';
import { openDriver } from '../../src/local/drivers/index.js';
import type { Driver } from '../../src/local/drivers/types.js';
import { encodeTsvRow, valueToText } from '../../src/local/tsv.js';
import { MY_URL } from './helpers.js';

const TABLE = 'ld_extract_bytes';
const ROWS = 30_000;
// Around the length-encoding edges (250/251, 65535/65536) and ordinary sizes.
const LENGTHS = [0, 1, 7, 63, 250, 251, 252, 600, 4000, 65_535, 65_536, 70_001, 33, 120];
const SPICE = ['\t', '\n', '\r', '\\', 'é', '😀', 'N'];

function text(i: number): string | null {
  if (i % 97 === 0) return null;
  const len =
    LENGTHS[i % LENGTHS.length] === 65_535 || LENGTHS[i % LENGTHS.length] >= 65_536
      ? i % 500 === 3
        ? LENGTHS[i % LENGTHS.length]
        : 90 // a few long ones only: keep the table small
      : LENGTHS[i % LENGTHS.length];
  let s = '';
  for (let k = 0; s.length < len; k++)
    s += k % 37 === 5 ? SPICE[(i + k) % SPICE.length] : String.fromCharCode(97 + ((i + k) % 26));
  return s.slice(0, len);
}

function bytes(i: number): Buffer | null {
  if (i % 89 === 0) return null;
  const b = Buffer.alloc(i % 260);
  for (let k = 0; k < b.length; k++) b[k] = (i * 31 + k * 7) & 0xff;
  return b;
}

let my: Driver;

beforeAll(async () => {
  my = await openDriver(MY_URL);
  await my.exec(`DROP TABLE IF EXISTS ${TABLE}`);
  await my.exec(
    `CREATE TABLE ${TABLE} (id INT PRIMARY KEY, s MEDIUMTEXT NULL, b VARBINARY(300) NULL, n BIGINT NULL) CHARACTER SET utf8mb4`,
  );
  for (let start = 0; start < ROWS; start += 500) {
    const params: unknown[] = [];
    const tuples: string[] = [];
    for (let i = start; i < Math.min(ROWS, start + 500); i++) {
      tuples.push('(?, ?, ?, ?)');
      params.push(i, text(i), bytes(i), i % 13 === 0 ? null : ((i * 7919) % 1_000_003) - 500_000);
    }
    await my.query(`INSERT INTO ${TABLE} VALUES ${tuples.join(', ')}`, params);
  }
}, 120_000);

afterAll(async () => {
  await my?.exec(`DROP TABLE IF EXISTS ${TABLE}`).catch(() => undefined);
  await my?.close();
});

test('extracted bytes equal mysql2-parsed rows encoded as engine TSV, across socket chunk boundaries', async () => {
  const sql = `SELECT id, s, b, n FROM ${TABLE} ORDER BY id`;
  const parts: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      parts.push(chunk);
      cb();
    },
  });
  const rows = await my.copyOut(sql, sink);
  expect(rows).toBe(ROWS);
  const got = Buffer.concat(parts);

  const res = await my.query(sql);
  const expected = Buffer.from(
    res.rows.map((r) => encodeTsvRow([r.id, r.s, r.b, r.n].map(valueToText))).join(''),
    'utf8',
  );
  let at = 0;
  while (at < got.length && got[at] === expected[at]) at++;
  // The first difference, shown with its surroundings.
  expect(got.subarray(Math.max(0, at - 60), at + 60).toString('latin1')).toBe(
    expected.subarray(Math.max(0, at - 60), at + 60).toString('latin1'),
  );
  expect(got.length).toBe(expected.length);
  expect(got.equals(expected)).toBe(true);
  // The connection is usable afterwards.
  expect((await my.query('SELECT 1 AS one')).rows[0].one).toBe(1);
}, 120_000);
