/* global process */
// Deterministic benchmark data and the checks that make a fast wrong answer fail: the source table
// in MariaDB (7 mixed columns), the upsert tables in PostgreSQL, and order-independent checksums
// computed the same way on both servers from a canonical text form of each row.
import pg from 'pg';
import mysql from 'mysql2/promise';
import { MYSQL_URL, PG_URL } from './project.mjs';

export const SEED = Number(process.env.BENCH_SEED ?? 42);

export async function pgConnect() {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  await c.query('SET client_min_messages = warning');
  return c;
}

export async function myConnect() {
  return mysql.createConnection({ uri: MYSQL_URL, multipleStatements: true, charset: 'utf8mb4' });
}

/** True when both servers answer (the smoke test skips the data scenarios otherwise). */
export async function serversUp() {
  try {
    const p = await pgConnect();
    await p.end();
    const m = await myConnect();
    await m.end();
    return true;
  } catch {
    return false;
  }
}

// ------------------------------------------------------------------ extract + load source

/** Columns of the source table, in order; the PostgreSQL DDL etlctl and the baselines load into. */
export const COPY_COLUMNS = ['id', 'account_id', 'name', 'created', 'amount', 'note', 'status'];

export function pgCopyTableSql(table) {
  return `CREATE TABLE ${table} (
  id INTEGER NOT NULL,
  account_id BIGINT NOT NULL,
  name VARCHAR(64) NOT NULL,
  created TIMESTAMP NOT NULL,
  amount DOUBLE PRECISION NOT NULL,
  note VARCHAR(65535),
  status VARCHAR(16) NOT NULL,
  PRIMARY KEY (id)
)`;
}

export const sourceTable = (rows) => `bench_src_${rows}`;

/**
 * Creates `bench_src_<rows>` in MariaDB unless it exists with the same row count and seed
 * (recorded in bench_meta with its checksum). Values come from CRC32 of (seed, row number):
 * unicode names, datetimes over five years, doubles with up to 14 significant digits (exact
 * binary fractions, so both servers print them alike), and text with tabs, newlines and
 * backslashes, NULL in a fifth of the rows. Returns { table, checksum, created }.
 */
export async function ensureSource(rows, log = () => {}) {
  const my = await myConnect();
  try {
    const table = sourceTable(rows);
    await my.query(
      'CREATE TABLE IF NOT EXISTS bench_meta (tbl VARCHAR(64) PRIMARY KEY, spec VARCHAR(64), checksum VARCHAR(64))',
    );
    const [meta] = await my.query('SELECT spec, checksum FROM bench_meta WHERE tbl = ?', [table]);
    if (meta.length && meta[0].spec === sourceSpec(rows)) {
      const [[{ n }]] = await my.query(`SELECT COUNT(*) AS n FROM ${table}`).catch(() => [[{ n: -1 }]]);
      if (Number(n) === rows) return { table, checksum: meta[0].checksum, created: false };
    }
    log(`  generating ${rows.toLocaleString('en-US')} source rows in MariaDB (${table}, seed ${SEED})…`);
    await my.query(`DROP TABLE IF EXISTS ${table}`);
    await my.query(`CREATE TABLE ${table} (
      id INT NOT NULL PRIMARY KEY,
      account_id BIGINT NOT NULL,
      name VARCHAR(64) NOT NULL,
      created DATETIME NOT NULL,
      amount DOUBLE NOT NULL,
      note TEXT NULL,
      status VARCHAR(16) NOT NULL
    ) CHARACTER SET utf8mb4`);
    const h1 = `CRC32(CONCAT(${SEED}, ':a:', seq))`;
    const h2 = `CRC32(CONCAT(${SEED}, ':b:', seq))`;
    // Batches keep each statement's undo log small.
    const batch = 500_000;
    for (let lo = 1; lo <= rows; lo += batch) {
      const hi = Math.min(rows, lo + batch - 1);
      await my.query(`INSERT INTO ${table}
        SELECT seq, h2 * 1000 + seq % 1000,
          CONCAT('customer-', h1 % 100000, IF(h1 % 11 = 0, ' Zoë ✓', '')),
          TIMESTAMP('2020-01-01') + INTERVAL (h1 % 157680000) SECOND,
          (CAST(h2 % 200000000 AS SIGNED) - 100000000) / 1024,
          CASE WHEN h1 % 5 = 0 THEN NULL
               WHEN h1 % 7 = 0 THEN CONCAT('multi\\nline\\\\path\\t', h2)
               ELSE CONCAT('note\\t', h2 % 1000, '\\t', REPEAT('x', h1 % 40)) END,
          ELT(1 + h2 % 3, 'open', 'shipped', 'returned')
        FROM (SELECT seq, ${h1} AS h1, ${h2} AS h2 FROM seq_${lo}_to_${hi}) AS g`);
    }
    const checksum = await mysqlChecksum(my, table);
    await my.query('REPLACE INTO bench_meta VALUES (?, ?, ?)', [table, sourceSpec(rows), checksum]);
    return { table, checksum, created: true };
  } finally {
    await my.end();
  }
}

/** What a generated source depends on: a change in the generator or the checksum bumps `g`. */
const sourceSpec = (rows) => `seed=${SEED} rows=${rows} g=2`;

export async function mysqlChecksum(my, table) {
  // CONV returns a string, and SUM over strings is a DOUBLE: cast so the sum stays exact DECIMAL.
  const [[r]] =
    await my.query(`SELECT COUNT(*) AS n, SUM(CAST(CONV(LEFT(MD5(CONCAT_WS('|', id, account_id, name,
      DATE_FORMAT(created, '%Y-%m-%d %H:%i:%s'), CAST(amount * 1024 AS SIGNED), IFNULL(note, '<null>'), status)), 8), 16, 10) AS UNSIGNED)) AS s
    FROM ${table}`);
  return `${r.n}:${r.s}`;
}

/** "rows:sum" of the same per-row hash as mysqlChecksum, for a PostgreSQL copy of the source. */
export async function pgCopyChecksum(pgc, table) {
  const r = await pgc.query(`SELECT COUNT(*) AS n, SUM(('x' || LEFT(MD5(CONCAT_WS('|', id, account_id, name,
      TO_CHAR(created, 'YYYY-MM-DD HH24:MI:SS'), (amount * 1024)::BIGINT, COALESCE(note, '<null>'), status)), 8))::BIT(32)::BIGINT) AS s
    FROM ${table}`);
  return `${r.rows[0].n}:${r.rows[0].s ?? 0}`;
}

// ------------------------------------------------------------------ upsert

export const UPSERT_TABLE_SQL = (table) => `CREATE TABLE ${table} (
  id INTEGER NOT NULL,
  account_id BIGINT NOT NULL,
  status VARCHAR(16) NOT NULL,
  amount DOUBLE PRECISION,
  updated_at TIMESTAMP NOT NULL,
  note VARCHAR(256),
  PRIMARY KEY (id)
)`;

/**
 * PostgreSQL tables for the upsert scenario, named from prefix `p`: <p>_base (`base` rows, the pristine
 * destination) and <p>_stage (`staged` rows: every other one updates an existing key, the
 * rest are new keys). Kept between runs when sizes and seed match. Returns the expected checksum
 * of the destination after the merge.
 */
export async function ensureUpsertTables(p, base, staged, log = () => {}) {
  const c = await pgConnect();
  try {
    await c.query('CREATE TABLE IF NOT EXISTS bench_meta (tbl TEXT PRIMARY KEY, spec TEXT, checksum TEXT)');
    const spec = `${SEED}:${base}:${staged}`;
    const meta = await c.query('SELECT spec, checksum FROM bench_meta WHERE tbl = $1', [p]);
    const have = await c.query(`SELECT to_regclass('${p}_base') AS b, to_regclass('${p}_stage') AS s`);
    if (meta.rows[0]?.spec === spec && have.rows[0].b && have.rows[0].s) return meta.rows[0].checksum;
    log(
      `  generating ${base.toLocaleString('en-US')} destination + ${staged.toLocaleString('en-US')} staged rows in PostgreSQL…`,
    );
    const updates = Math.floor(staged / 2);
    const step = Math.max(1, Math.floor(base / Math.max(1, updates)));
    const row = (g, version) => `${g}, (${g}::BIGINT * 2654435761 + ${SEED}) % 4294967296,
        (ARRAY['open','shipped','returned'])[1 + (${g} + ${SEED}) % 3],
        ((${g}::BIGINT * 40503 + ${SEED}) % 1000000) / 64.0,
        TIMESTAMP '2024-01-01' + (${g} % 31536000) * INTERVAL '1 second' + ${version} * INTERVAL '1 day',
        'v${version} row ' || ${g}`;
    await c.query(`DROP TABLE IF EXISTS ${p}_base, ${p}_stage`);
    await c.query(UPSERT_TABLE_SQL(`${p}_base`).replace(/,\n {2}PRIMARY KEY \(id\)/, ''));
    await c.query(`INSERT INTO ${p}_base SELECT ${row('g', 1)} FROM generate_series(1, ${base}) AS g`);
    await c.query(`ALTER TABLE ${p}_base ADD PRIMARY KEY (id)`);
    await c.query(UPSERT_TABLE_SQL(`${p}_stage`).replace(/,\n {2}PRIMARY KEY \(id\)/, ''));
    await c.query(
      `INSERT INTO ${p}_stage SELECT ${row('g', 2)} FROM (
         SELECT 1 + (k - 1) * ${step} AS g FROM generate_series(1, ${updates}) AS k
         UNION ALL SELECT ${base} + k FROM generate_series(1, ${staged - updates}) AS k) AS ids`,
    );
    await c.query(`ANALYZE ${p}_base; ANALYZE ${p}_stage`);
    const expected =
      await c.query(`SELECT COUNT(*) AS n, SUM(('x' || LEFT(MD5(t::TEXT), 8))::BIT(32)::BIGINT) AS s FROM (
        SELECT * FROM ${p}_stage
        UNION ALL SELECT b.* FROM ${p}_base b WHERE NOT EXISTS (SELECT 1 FROM ${p}_stage s WHERE s.id = b.id)) AS t`);
    const checksum = `${expected.rows[0].n}:${expected.rows[0].s}`;
    await c.query(
      'INSERT INTO bench_meta VALUES ($3, $1, $2) ON CONFLICT (tbl) DO UPDATE SET spec = $1, checksum = $2',
      [spec, checksum, p],
    );
    return checksum;
  } finally {
    await c.end();
  }
}

/** Rebuilds <p>_target from <p>_base (untimed), so every run merges into the same table. */
export async function resetUpsertTarget(c, p) {
  await c.query(`DROP TABLE IF EXISTS ${p}_target`);
  await c.query(`CREATE TABLE ${p}_target AS SELECT * FROM ${p}_base`);
  await c.query(
    `ALTER TABLE ${p}_target ALTER COLUMN id SET NOT NULL, ALTER COLUMN account_id SET NOT NULL, ALTER COLUMN status SET NOT NULL, ALTER COLUMN updated_at SET NOT NULL`,
  );
  await c.query(`ALTER TABLE ${p}_target ADD PRIMARY KEY (id)`);
  await c.query(`VACUUM ANALYZE ${p}_target`);
  await c.query('CHECKPOINT');
}

export async function upsertChecksum(c, p) {
  const r = await c.query(
    `SELECT COUNT(*) AS n, SUM(('x' || LEFT(MD5(t::TEXT), 8))::BIT(32)::BIGINT) AS s FROM ${p}_target t`,
  );
  return `${r.rows[0].n}:${r.rows[0].s ?? 0}`;
}
