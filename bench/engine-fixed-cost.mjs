/* global process, console */
// The local engine's fixed cost (issue 11: start-up, planning, state bookkeeping), against another
// checkout of etlctl (with dist/ built) measured in the same run, interleaved:
//
//   node bench/engine-fixed-cost.mjs --baseline /path/to/other/checkout [--runs 10]
//
// 1. End to end: `bin/etlctl pipeline activate tiny.yaml` of a one-step local pipeline (a shell
//    `true`, plus the teardown the compiler adds) in a temporary project, with a fresh `.etlctl/`
//    (as `npm run bench` runs it) and again on the existing state; wall and CPU time (GNU time).
// 2. State bookkeeping: SQLite statements and commits of `runDefinition` (in-process, better-sqlite3
//    instrumented) for 1 and 21 independent one-step instances; the difference / 20 is per instance.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const here = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const baseline = opt('baseline');
if (!baseline) {
  console.error('usage: node bench/engine-fixed-cost.mjs --baseline OTHER_CHECKOUT [--runs N]');
  process.exit(2);
}
const runs = Number(opt('runs', '10'));
const sides = [
  { name: 'this', root: here },
  { name: 'baseline', root: resolve(baseline) },
];
for (const s of sides) {
  if (!existsSync(join(s.root, 'dist/src/local/engine.js'))) {
    console.error(`${s.root}: dist/ is not built (npm run build)`);
    process.exit(2);
  }
}

// ---- 1. end to end ------------------------------------------------------------------------------
function project() {
  const dir = mkdtempSync(join(tmpdir(), 'etlctl-fixed-cost-'));
  writeFileSync(join(dir, 'etlctl.yaml'), 'target: local\n');
  writeFileSync(
    join(dir, 'tiny.yaml'),
    [
      'name: tiny',
      'frequency: one-time',
      'steps:',
      '  - step_type: transform',
      '    name: touch',
      '    command: "true"',
      '    no_input: true',
      '    no_output: true',
      '',
    ].join('\n'),
  );
  return dir;
}

const gnuTime = existsSync('/usr/bin/time');
function activate(side, dir) {
  const cmd = [
    process.execPath,
    join(side.root, 'bin/etlctl'),
    'pipeline',
    'activate',
    'tiny.yaml',
    '-c',
    'etlctl.yaml',
  ];
  const t0 = process.hrtime.bigint();
  const r = gnuTime
    ? spawnSync('/usr/bin/time', ['-f', 'CPU %U %S', ...cmd], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, ETLCTL_CONFIG: '' },
      })
    : spawnSync(cmd[0], cmd.slice(1), {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, ETLCTL_CONFIG: '' },
      });
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${side.name}: activate failed\n${r.stdout}\n${r.stderr}`);
  const m = /CPU ([\d.]+) ([\d.]+)/.exec(r.stderr ?? '');
  return { wall, cpu: m ? (Number(m[1]) + Number(m[2])) * 1000 : undefined };
}

const median = (xs) => {
  const s = xs.filter((x) => x !== undefined).sort((a, b) => a - b);
  if (s.length === 0) return undefined;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const samples = Object.fromEntries(sides.map((s) => [s.name, { fresh: [], again: [] }]));
const dirs = Object.fromEntries(sides.map((s) => [s.name, project()]));
for (const s of sides) activate(s, dirs[s.name]); // warm the file cache
for (let i = 0; i < runs; i++) {
  const order = i % 2 === 0 ? sides : [...sides].reverse();
  for (const s of order) {
    rmSync(join(dirs[s.name], '.etlctl'), { recursive: true, force: true });
    samples[s.name].fresh.push(activate(s, dirs[s.name]));
    samples[s.name].again.push(activate(s, dirs[s.name]));
  }
}

// ---- 2. statements and commits --------------------------------------------------------------------
const counter = `
import { createRequire } from 'node:module';
const root = process.argv[1];
const require = createRequire(root + '/package.json');
const Database = require('better-sqlite3');
const probe = new Database(':memory:');
const Statement = Object.getPrototypeOf(probe.prepare('SELECT 1'));
probe.close();
const c = { statements: 0, writes: 0, autocommitWrites: 0, transactions: 0, exec: 0 };
for (const m of ['run', 'get', 'all', 'iterate']) {
  const orig = Statement[m];
  Statement[m] = function (...a) {
    const sql = this.source.trim().toUpperCase();
    if (sql.startsWith('BEGIN')) c.transactions++;
    else if (!(sql.startsWith('COMMIT') || sql.startsWith('ROLLBACK'))) {
      c.statements++;
      if (!this.reader || / RETURNING /.test(sql)) {
        c.writes++;
        if (!this.database.inTransaction) c.autocommitWrites++;
      }
    }
    return orig.apply(this, a);
  };
}
const exec = Database.prototype.exec;
Database.prototype.exec = function (sql) { c.exec++; return exec.call(this, sql); };
const { runDefinition } = await import(root + '/dist/src/local/engine.js');
const { fromFileJson } = await import(root + '/dist/src/definition/json.js');
const { mkdtempSync } = await import('node:fs');
const { tmpdir } = await import('node:os');
const { join } = await import('node:path');
const result = {};
for (const k of [1, 21]) {
  const objects = [{ id: 'Default', name: 'Default', scheduleType: 'ondemand' }];
  for (let i = 0; i < k; i++) objects.push({ id: 'S' + i, name: 'S' + i, type: 'ShellCommandActivity', workerGroup: 'local', command: 'true' });
  const def = fromFileJson({ objects });
  def.meta = { pipelineName: 'count' + k, assets: [], secrets: {}, steps: [] };
  const stateDir = join(mkdtempSync(join(tmpdir(), 'etlctl-count-')), '.etlctl');
  for (const key of Object.keys(c)) c[key] = 0;
  const s = await runDefinition(def, { config: { databases: {} }, stateDir });
  if (s.exitCode !== 0) throw new Error('run failed');
  result[k] = { ...c, commits: c.transactions + c.autocommitWrites };
}
console.log(JSON.stringify(result));
`;
const counts = {};
for (const s of sides) {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', counter, s.root], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${s.name}: counting failed\n${r.stderr}`);
  counts[s.name] = JSON.parse(r.stdout.trim().split('\n').pop());
}

// ---- report -------------------------------------------------------------------------------------
const fmt = (x) => (x === undefined ? '–' : `${Math.round(x)} ms`);
console.log(`\nEnd to end, ${runs} interleaved runs each (median):`);
console.log('| side | activate, fresh .etlctl: wall | CPU | activate again: wall | CPU |');
console.log('|---|---|---|---|---|');
for (const s of sides) {
  const v = samples[s.name];
  console.log(
    `| ${s.name} | ${fmt(median(v.fresh.map((x) => x.wall)))} | ${fmt(median(v.fresh.map((x) => x.cpu)))} | ${fmt(median(v.again.map((x) => x.wall)))} | ${fmt(median(v.again.map((x) => x.cpu)))} |`,
  );
}
console.log('\nState store per run of N independent one-step instances (runDefinition in-process):');
console.log('| side | N | statements | writes | commits | per instance: statements | commits |');
console.log('|---|---|---|---|---|---|---|');
for (const s of sides) {
  const one = counts[s.name][1];
  const many = counts[s.name][21];
  for (const [n, c] of [
    [1, one],
    [21, many],
  ]) {
    const per =
      n === 21 ? [(many.statements - one.statements) / 20, (many.commits - one.commits) / 20] : ['', ''];
    console.log(
      `| ${s.name} | ${n} | ${c.statements} (+${c.exec} exec) | ${c.writes} | ${c.commits} | ${per[0]} | ${per[1]} |`,
    );
  }
}
for (const d of Object.values(dirs)) rmSync(d, { recursive: true, force: true });
