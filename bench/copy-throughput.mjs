/* global process, performance, console */
// Copy throughput (DESIGN.md decision 9): 1,000,000 rows × 7 mixed columns from MariaDB to
// PostgreSQL through the engine's MySQL copyOut → TSV → PostgreSQL copyIn path, against the raw
// pipe `mariadb --batch --quick … | psql -c "\copy t from stdin"` measured in the same run.
// Prints both times, the ratio (target ≤ 1.3) and the engine side's peak RSS (target ≤ 256 MB).
//
//   npm run build && node bench/copy-throughput.mjs [rows]
//
// Needs MariaDB on 127.0.0.1:3306 (root, db test) and PostgreSQL on 127.0.0.1:5432 (postgres,
// db test), and the mariadb and psql clients. The source table is kept between runs.
import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';

const ROWS = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 1_000_000);
const MY_URL = 'mysql://root@127.0.0.1:3306/test';
const PG_URL = 'postgres://postgres@127.0.0.1:5432/test';
const SRC = 'bench_copy_src';
const COLS = 'id, name, qty, price, created, note, score';
const PG_DDL = (t) =>
  `DROP TABLE IF EXISTS ${t}; CREATE UNLOGGED TABLE ${t} (id int, name varchar(64), qty int, price numeric(12,2), created timestamp, note text, score double precision)`;

const { openDriver } = await import('../dist/src/local/drivers/index.js');

function sh(cmd) {
  return new Promise((resolve, reject) => {
    const p = spawn('bash', ['-c', cmd], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (c) => (out += c));
    p.stderr.on('data', (c) => (err += c));
    p.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd}\n${err}`))));
  });
}

async function prepareSource() {
  const my = await openDriver(MY_URL);
  const have = await my
    .query(`SELECT COUNT(*) AS n FROM ${SRC}`)
    .then((r) => Number(r.rows[0].n))
    .catch(() => -1);
  if (have !== ROWS) {
    process.stderr.write(`creating ${ROWS} source rows in MariaDB…\n`);
    await my.exec(`DROP TABLE IF EXISTS ${SRC}`);
    await my.exec(
      `CREATE TABLE ${SRC} (id INT PRIMARY KEY, name VARCHAR(64), qty INT, price DECIMAL(12,2), created DATETIME, note TEXT, score DOUBLE) CHARACTER SET utf8mb4`,
    );
    await my.exec(
      `INSERT INTO ${SRC} SELECT seq, CONCAT('name-', seq, IF(seq % 7 = 0, ' ünï 😀', '')), seq % 1000, (seq % 100000) / 100,
       '2024-01-01' + INTERVAL (seq % 86400) SECOND, REPEAT(CONCAT('note ', seq % 13, ' '), 1 + seq % 5), seq / 7
       FROM seq_1_to_${ROWS}`,
    );
  }
  await my.close();
}

async function rawPipe() {
  const pg = await openDriver(PG_URL);
  await pg.exec(PG_DDL('bench_copy_raw'));
  await pg.close();
  const t0 = performance.now();
  await sh(
    `mariadb -h127.0.0.1 -uroot test --batch --quick --skip-column-names -e 'SELECT ${COLS} FROM ${SRC}' | ` +
      `psql -q -h 127.0.0.1 -U postgres test -c "\\copy bench_copy_raw from stdin"`,
  );
  return performance.now() - t0;
}

/** The engine path, in a child process so its peak RSS is its own. */
async function enginePath() {
  const pg = await openDriver(PG_URL);
  await pg.exec(PG_DDL('bench_copy_etl'));
  await pg.close();
  const out = await sh(`node ${fileURLToPath(import.meta.url)} --child ${ROWS}`);
  return JSON.parse(out.trim().split('\n').pop());
}

async function child() {
  const my = await openDriver(MY_URL);
  const pg = await openDriver(PG_URL);
  const t0 = performance.now();
  const pipe = new PassThrough({ highWaterMark: 1024 * 1024 });
  const [outRows, inRows] = await Promise.all([
    my.copyOut(`SELECT ${COLS} FROM ${SRC}`, pipe, { end: true }),
    pg.copyIn('bench_copy_etl', undefined, pipe),
  ]);
  const ms = performance.now() - t0;
  await my.close();
  await pg.close();
  process.stdout.write(
    JSON.stringify({ ms, outRows, inRows, maxRssMb: process.resourceUsage().maxRSS / 1024 }) + '\n',
  );
}

if (process.argv.includes('--child')) {
  await child();
} else {
  await prepareSource();
  // Alternate the two to even out a noisy shared machine; keep the best of each.
  const raw = [];
  const eng = [];
  for (let i = 0; i < 2; i++) {
    raw.push(await rawPipe());
    eng.push(await enginePath());
  }
  const pg = await openDriver(PG_URL);
  const counts = await pg.query(
    'SELECT (SELECT COUNT(*) FROM bench_copy_raw) AS raw, (SELECT COUNT(*) FROM bench_copy_etl) AS etl',
  );
  await pg.exec('DROP TABLE IF EXISTS bench_copy_raw; DROP TABLE IF EXISTS bench_copy_etl');
  await pg.close();
  const rawMs = Math.min(...raw);
  const best = eng.reduce((a, b) => (a.ms <= b.ms ? a : b));
  const maxRss = Math.max(...eng.map((e) => e.maxRssMb));
  const ratio = best.ms / rawMs;
  console.log(
    `rows:            ${ROWS} (raw loaded ${counts.rows[0].raw}, engine loaded ${counts.rows[0].etl})`,
  );
  console.log(
    `raw pipe:        ${(rawMs / 1000).toFixed(2)} s  (runs: ${raw.map((m) => (m / 1000).toFixed(2)).join(', ')})`,
  );
  console.log(
    `engine path:     ${(best.ms / 1000).toFixed(2)} s  (runs: ${eng.map((e) => (e.ms / 1000).toFixed(2)).join(', ')})`,
  );
  console.log(`ratio:           ${ratio.toFixed(2)}x  (target <= 1.30)`);
  console.log(`engine peak RSS: ${maxRss.toFixed(0)} MB  (target <= 256)`);
  if (Number(counts.rows[0].etl) !== ROWS) process.exitCode = 1;
}
