/* global process, performance */
// etlctl benchmark suite (`npm run bench`, which builds first). Each scenario measures etlctl
// and its baseline in the same run, interleaved, several repetitions; prints a Markdown table of
// medians and ratios and writes every sample, the machine and the versions to
// bench/results/latest.json. See bench/README.md for the scenarios, targets and options.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatMs, hasGnuTime, interleaved } from './lib/measure.mjs';
import { serversUp } from './lib/data.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// The one list of scenarios (the smoke test reads it too).
const SCENARIOS = JSON.parse(readFileSync(join(repo, 'bench/lib/scenarios.json'), 'utf8'));
const ALL = SCENARIOS.all;
const DATA = new Set(SCENARIOS.data);

const USAGE = `usage: node bench/run.mjs [options]   (npm run bench -- [options])

  --scenarios LIST   comma-separated, from: ${ALL.join(', ')} (default: all)
  --reps N           repetitions per variant (default: per scenario, 15/3/10/5/5/3/5/3)
  --sizes LIST       compile scale sizes in pipelines (default 10,100,1000; catalog uses the largest)
  --objects N        checker definition size (default 1000)
  --steps N          visualize pipeline size in steps (default 100)
  --rows N           extract + load rows (default 1000000)
  --big-rows N       second extract + load size, etlctl only, for flat memory (default 5000000; 0 skips)
  --big-baselines    also run the raw pipe at --big-rows
  --upsert-base N    upsert destination rows (default 5000000)
  --upsert-rows N    upsert staged rows, half updates (default 1000000)
  --no-pgloader      skip the pgloader baseline
  --no-details       skip the in-process breakdowns (bench/checker.bench.mjs, bench/visualize.mjs)
  --smoke            tiny sizes, one repetition, no warm-up (the vitest smoke test)
  --out FILE         results JSON (default bench/results/latest.json)
  --keep             keep the generated projects (the folder is printed)
  -h, --help         this text`;

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      scenarios: { type: 'string' },
      reps: { type: 'string' },
      sizes: { type: 'string' },
      objects: { type: 'string' },
      steps: { type: 'string' },
      rows: { type: 'string' },
      'big-rows': { type: 'string' },
      'big-baselines': { type: 'boolean', default: false },
      'upsert-base': { type: 'string' },
      'upsert-rows': { type: 'string' },
      'no-pgloader': { type: 'boolean', default: false },
      'no-details': { type: 'boolean', default: false },
      smoke: { type: 'boolean', default: false },
      out: { type: 'string' },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    process.exit(0);
  }
  const int = (key, dflt) => {
    if (values[key] === undefined) return dflt;
    const n = Number(values[key]);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${key} needs a whole number, got '${values[key]}'`);
    return n;
  };
  const smoke = values.smoke;
  const scenarios = values.scenarios ? values.scenarios.split(',').map((s) => s.trim()) : ALL;
  for (const s of scenarios)
    if (!ALL.includes(s)) throw new Error(`unknown scenario '${s}' (choose from ${ALL.join(', ')})`);
  return {
    scenarios,
    smoke,
    reps: values.reps !== undefined ? int('reps') : smoke ? 1 : undefined,
    sizes: values.sizes ? values.sizes.split(',').map(Number) : smoke ? [3] : [10, 100, 1000],
    objects: int('objects', smoke ? 50 : 1000),
    steps: int('steps', smoke ? 6 : 100),
    rows: int('rows', smoke ? 2000 : 1_000_000),
    bigRows: int('big-rows', smoke ? 0 : 5_000_000),
    bigBaselines: values['big-baselines'],
    upsertBase: int('upsert-base', smoke ? 4000 : 5_000_000),
    upsertRows: int('upsert-rows', smoke ? 1000 : 1_000_000),
    pgloader: !values['no-pgloader'],
    details: !values['no-details'] && !smoke,
    out: resolve(values.out ?? join(repo, 'bench/results/latest.json')),
    keep: values.keep,
  };
}

function tryRun(cmd, args) {
  try {
    return execFileSync(cmd, args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 20_000,
    }).trim();
  } catch {
    return undefined;
  }
}

function machine() {
  const cpus = os.cpus();
  return {
    hostname: os.hostname(),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpuModel: cpus[0]?.model,
    cpus: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    loadAverage: os.loadavg().map((x) => Number(x.toFixed(2))),
  };
}

function versions() {
  const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
  return {
    etlctl: pkg.version,
    gitCommit: tryRun('git', ['-C', repo, 'rev-parse', '--short', 'HEAD']),
    gitDirty: Boolean(tryRun('git', ['-C', repo, 'status', '--porcelain', '--untracked-files=no'])),
    node: process.version,
    postgresClient: tryRun('psql', ['--version']),
    mariadbClient: tryRun('mariadb', ['--version']),
    pgloader: tryRun('pgloader', ['--version'])?.split('\n')[0],
    gnuTime: hasGnuTime,
  };
}

async function serverVersions() {
  const { pgConnect, myConnect } = await import('./lib/data.mjs');
  const v = {};
  try {
    const c = await pgConnect();
    v.postgresServer = (await c.query('SHOW server_version')).rows[0].server_version;
    await c.end();
  } catch {
    /* reported as missing */
  }
  try {
    const m = await myConnect();
    const [[r]] = await m.query('SELECT VERSION() AS v');
    v.mariadbServer = r.v;
    await m.end();
  } catch {
    /* reported as missing */
  }
  return v;
}

function fmtValue(row, v) {
  if (!Number.isFinite(v)) return '–';
  return row.unit === 'MB' ? `${v.toFixed(0)} MB` : formatMs(v);
}

function markdownTable(rows) {
  const head =
    '| Scenario | Measurement | etlctl (median) | Baseline (median) | Ratio | CPU etlctl / baseline | Notes | Target | Result |';
  const sep = '|---|---|--:|--:|--:|--:|---|---|---|';
  const lines = rows.map((r) => {
    const base = Number.isFinite(r.baseline)
      ? `${fmtValue(r, r.baseline)} (${r.baselineName})`
      : r.baselineName
        ? `– (${r.baselineName})`
        : '–';
    const ratio = Number.isFinite(r.ratio) ? `${r.ratio.toFixed(2)}×` : '–';
    const result = r.error ? `ERROR` : r.pass === true ? 'met' : r.pass === false ? '**missed**' : '';
    const cpu = Number.isFinite(r.cpu) ? `${formatMs(r.cpu)} / ${formatMs(r.baselineCpu)}` : '–';
    return `| ${r.scenario} | ${r.measure} | ${fmtValue(r, r.value)} | ${base} | ${ratio} | ${cpu} | ${r.note ?? ''} | ${r.target ?? ''} | ${result} |`;
  });
  return [head, sep, ...lines].join('\n');
}

async function main() {
  const opts = parseOptions(process.argv.slice(2));
  const log = (s) => process.stderr.write(s + '\n');
  const work = mkdtempSync(join(os.tmpdir(), 'etlctl-bench-'));
  const started = new Date();
  const results = {
    startedAt: started.toISOString(),
    command: `node bench/run.mjs ${process.argv.slice(2).join(' ')}`.trim(),
    options: { ...opts, out: undefined },
    machine: machine(),
    versions: versions(),
    scenarios: {},
  };
  const up = opts.scenarios.some((s) => DATA.has(s)) ? await serversUp() : false;
  Object.assign(results.versions, await serverVersions());
  const ctx = {
    repo,
    etlctl: join(repo, 'bin/etlctl'),
    work,
    opts,
    log,
    interleaved,
    reps: (dflt) => opts.reps ?? dflt,
    warmup: (dflt) => (opts.smoke ? 0 : dflt),
  };
  const rows = [];
  let failed = false;
  for (const name of opts.scenarios) {
    if (DATA.has(name) && !up) {
      log(`== ${name}: skipped (PostgreSQL or MariaDB is not reachable)`);
      results.scenarios[name] = { skipped: 'database servers not reachable' };
      continue;
    }
    log(`== ${name}`);
    const t0 = performance.now();
    try {
      const mod = await import(`./scenarios/${name}.mjs`);
      const r = await mod.run(ctx);
      rows.push(...r.rows);
      results.scenarios[name] = {
        seconds: (performance.now() - t0) / 1000,
        rows: r.rows,
        samples: r.samples,
        details: r.details,
      };
    } catch (e) {
      failed = true;
      const message = e instanceof Error ? e.message : String(e);
      log(`== ${name} FAILED: ${message}`);
      rows.push({
        scenario: name,
        measure: 'run failed (see results JSON)',
        value: NaN,
        ratio: NaN,
        error: message,
      });
      results.scenarios[name] = { seconds: (performance.now() - t0) / 1000, error: message };
    }
  }
  results.finishedAt = new Date().toISOString();
  results.machine.loadAverageAtEnd = os.loadavg().map((x) => Number(x.toFixed(2)));
  results.table = markdownTable(rows);
  mkdirSync(dirname(opts.out), { recursive: true });
  writeFileSync(opts.out, JSON.stringify(results, null, 2) + '\n');
  const minutes = ((Date.now() - started.getTime()) / 60000).toFixed(1);
  const m = results.machine;
  process.stdout.write(
    `\n${results.table}\n\n` +
      `Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, ${m.platform}; Node ${process.version}; ` +
      `load average ${m.loadAverage.join(' ')} → ${m.loadAverageAtEnd.join(' ')}. ${minutes} min.\n` +
      `Samples: ${opts.out}\n`,
  );
  if (opts.keep) log(`generated projects kept in ${work}`);
  else rmSync(work, { recursive: true, force: true });
  if (failed) process.exitCode = 1;
}

main().catch((e) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 2;
});
