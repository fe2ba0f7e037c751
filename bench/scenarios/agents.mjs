/* global process, setTimeout */
// Scenario 8 — agents (issue 15): many agents on one PostgreSQL state store.
// (1) Drain: 200 independent 1-second shell instances enqueued once, drained by one agent, then by
//     two agents (separate processes and working directories, same --parallel each); target: two
//     agents ≥ 1.7× the rate of one. Checked: every instance FINISHED with exactly one attempt.
// (2) Overhead: with 100,000 instances of another pipeline in the store, one agent (--parallel 1)
//     runs 200 instances of `true`; the time per instance between the first attempt's start and
//     the last one's end (store timestamps), minus the cost of spawning `bash -c true` here, is the
//     scheduler and state overhead; target ≤ 10 ms per instance.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { median } from '../lib/measure.mjs';
import { PG_URL, benchEnv } from '../lib/project.mjs';

export const name = 'agents';

function project(dir, schema) {
  mkdirSync(join(dir, 'config'), { recursive: true });
  writeFileSync(
    join(dir, 'config', 'etlctl.yaml'),
    `local:\n  state_url: ${PG_URL}?schema=${schema}\n  shared_path: true\n`,
  );
}

function definition(dir, pipeline, n, command) {
  const objects = [{ id: 'Default', name: 'Default', scheduleType: 'ondemand' }];
  for (let k = 0; k < n; k++)
    objects.push({ id: `S${k}`, name: `S${k}`, type: 'ShellCommandActivity', command });
  writeFileSync(join(dir, `${pipeline}.json`), JSON.stringify({ objects }));
  return `${pipeline}.json`;
}

function etlctlSync(etlctl, cwd, args) {
  const r = spawnSync(process.execPath, [etlctl, ...args], { cwd, env: benchEnv(), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`etlctl ${args.join(' ')}: exit ${r.status}\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

function startAgent(etlctl, cwd, id, parallel) {
  return spawn(
    process.execPath,
    [etlctl, 'agent', '--id', id, '--poll', '1', '--parallel', String(parallel)],
    {
      cwd,
      env: benchEnv(),
      stdio: 'ignore',
    },
  );
}

async function stop(agents) {
  await Promise.all(
    agents.map(
      (a) =>
        new Promise((r) => {
          if (a.exitCode !== null) return r();
          a.once('exit', r);
          a.kill('SIGTERM');
        }),
    ),
  );
}

async function freshSchema(c, schema) {
  await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
}

/** Enqueue `n` instances, start `agents` agents, wait until the store has them all ended. */
async function drain(ctx, c, { schema, agents, n, command, parallel }) {
  const { etlctl, work } = ctx;
  const base = join(work, `${schema}-${agents}`);
  const act = join(base, 'act');
  project(act, schema);
  const file = definition(act, 'drain', n, command);
  etlctlSync(etlctl, act, ['pipeline', 'activate', file, '--enqueue']);
  const procs = [];
  const t0 = performance.now();
  for (let k = 0; k < agents; k++) {
    const dir = join(base, `m${k}`);
    project(dir, schema);
    procs.push(startAgent(etlctl, dir, `agent-${k}`, parallel));
  }
  try {
    for (;;) {
      const r = await c.query(
        `SELECT COUNT(*) FILTER (WHERE status NOT IN ('FINISHED','FAILED','CASCADE_FAILED','CANCELED','TIMEDOUT','SKIPPED'))::int AS open
         FROM ${schema}.instances WHERE pipeline = 'drain'`,
      );
      if (r.rows[0].open === 0) break;
      if (performance.now() - t0 > 30 * 60_000) throw new Error('drain did not end in 30 minutes');
      await new Promise((r2) => setTimeout(r2, 100));
    }
  } finally {
    await stop(procs);
  }
  const wall = performance.now() - t0;
  const a = await c.query(
    `SELECT COUNT(*)::int AS n, COUNT(DISTINCT a.instance_id)::int AS d,
       COUNT(*) FILTER (WHERE a.status = 'FINISHED')::int AS ok, COUNT(DISTINCT a.worker_id)::int AS workers,
       MIN(a.started_at) AS first, MAX(a.ended_at) AS last
     FROM ${schema}.attempts a JOIN ${schema}.instances i ON i.id = a.instance_id WHERE i.pipeline = 'drain'`,
  );
  const s = a.rows[0];
  if (s.n !== n || s.d !== n || s.ok !== n)
    throw new Error(
      `${schema}: ${s.n} attempts of ${s.d} instances, ${s.ok} finished; expected ${n} once each`,
    );
  return { wall, span: Date.parse(s.last) - Date.parse(s.first), workers: s.workers };
}

async function seed(c, schema, rows) {
  // The schema is created by etlctl (a throwaway activation), then filled in one statement.
  await c.query(
    `INSERT INTO ${schema}.instances (pipeline, generation, object_id, object_type, scheduled_start, scheduled_end, status, run_id, attempts)
     SELECT 'history', 1, 'Load', 'ShellCommandActivity',
       to_char(timestamp '2000-01-01' + g * interval '1 hour', 'YYYY-MM-DD"T"HH24:MI:SS.000"Z"'),
       to_char(timestamp '2000-01-01' + (g + 1) * interval '1 hour', 'YYYY-MM-DD"T"HH24:MI:SS.000"Z"'),
       'FINISHED', 1, 1 FROM generate_series(1, $1) g`,
    [rows],
  );
}

/** The cost of starting the step's own shell (the engine runs commands with bash when installed, as Data Pipeline does). */
function spawnCost(n) {
  const shell = spawnSync('bash', ['-c', 'true']).status === 0 ? 'bash' : 'sh';
  const t0 = performance.now();
  for (let k = 0; k < n; k++) spawnSync(shell, ['-c', 'true']);
  return (performance.now() - t0) / n;
}

export async function run(ctx) {
  const { opts, log, reps } = ctx;
  const smoke = opts.smoke;
  const n = smoke ? 8 : 200;
  const sleep = smoke ? 0.2 : 1;
  const parallel = 8;
  const history = smoke ? 1000 : 100_000;
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  const samples = { one: [], two: [], overhead: [] };
  try {
    for (let r = 0; r < reps(1); r++) {
      for (const [key, agents] of [
        ['one', 1],
        ['two', 2],
      ]) {
        const schema = `bench_agents_${key}`;
        await freshSchema(c, schema);
        const d = await drain(ctx, c, { schema, agents, n, command: `sleep ${sleep}`, parallel });
        log(
          `  ${agents} agent(s): ${n} × ${sleep}s in ${(d.span / 1000).toFixed(1)} s (wall ${(d.wall / 1000).toFixed(1)} s), ${d.workers} worker(s) at work`,
        );
        samples[key].push({ ms: d.span, wallMs: d.wall, workers: d.workers });
      }
      const schema = 'bench_agents_overhead';
      await freshSchema(c, schema);
      const act = join(ctx.work, 'overhead-seed');
      project(act, schema);
      etlctlSync(ctx.etlctl, act, ['pipeline', 'activate', definition(act, 'seed', 1, 'true'), '--enqueue']);
      // Only the store's tables were wanted from that activation: nothing of it runs.
      await c.query(`UPDATE ${schema}.pipelines SET active = 0`);
      await c.query(`UPDATE ${schema}.instances SET status = 'FINISHED'`);
      await seed(c, schema, history);
      const d = await drain(ctx, c, { schema, agents: 1, n, command: 'true', parallel: 1 });
      const perSpawn = spawnCost(50);
      const per = d.span / n - perSpawn;
      log(
        `  overhead: ${(d.span / n).toFixed(1)} ms per instance, spawn ${perSpawn.toFixed(1)} ms → ${per.toFixed(1)} ms (${history} instances in the store)`,
      );
      samples.overhead.push({ ms: d.span, perInstance: per, spawn: perSpawn });
    }
  } finally {
    // The store schemas are the bench's own: nothing of them is left in the database.
    for (const schema of ['bench_agents_one', 'bench_agents_two', 'bench_agents_overhead'])
      await freshSchema(c, schema).catch(() => undefined);
    await c.end();
  }
  const one = median(samples.one.map((s) => s.ms));
  const two = median(samples.two.map((s) => s.ms));
  const speedup = one / two;
  const overhead = median(samples.overhead.map((s) => s.perInstance));
  return {
    rows: [
      {
        scenario: 'Agents',
        measure: `drain ${n} independent ${sleep}s shell instances, 2 agents vs 1 (--parallel ${parallel} each)`,
        value: two,
        baselineName: '1 agent',
        baseline: one,
        ratio: two / one,
        note: `speed-up ${speedup.toFixed(2)}×`,
        target: smoke ? '' : '≥ 1.7× one agent',
        pass: smoke ? null : speedup >= 1.7,
      },
      {
        scenario: 'Agents',
        measure: `scheduler + state overhead per instance, ${history.toLocaleString('en-US')} instances in the store`,
        value: overhead,
        note: 'first attempt start → last attempt end, per instance, minus the step shell’s spawn (bash -c true)',
        target: smoke ? '' : '≤ 10 ms',
        pass: smoke ? null : overhead <= 10,
      },
    ],
    samples,
  };
}
