/** The state store (SQLite; PostgreSQL with TEST_STATE_STORE=postgres): migrations, idempotent planning, claims and leases, concurrency, actions, grid. */
import Database from 'better-sqlite3';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EtlError } from '../../src/diagnostics.js';
import { openStateStore } from '../../src/local/state/open.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/local/state/schema.js';
import { PgStateStore } from '../../src/local/state/postgres.js';
import { SqliteStateStore } from '../../src/local/state/sqlite.js';
import type {
  PlannedInstance,
  PlannedRun,
  RunPlan,
  RunRow,
  StateStore,
  WorkerRef,
} from '../../src/local/state/store.js';
import { localWorker } from '../../src/local/state/store.js';
import { ON_PG, pgStateUrlFor } from '../helpers/state-stores.js';
import { tempDir } from './helpers.js';

const root = resolve(__dirname, '../..');
const open: StateStore[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

async function store(dir: string, opts: Parameters<typeof SqliteStateStore.open>[1] = {}) {
  const s = await SqliteStateStore.open(dir, opts);
  open.push(s);
  return s;
}

/** The store under test for a directory: SQLite there, or (TEST_STATE_STORE=postgres) its own PG schema. */
async function anyStore(dir: string, opts: { clock?: () => number } = {}): Promise<StateStore> {
  if (!ON_PG) return store(dir, opts);
  const s = await PgStateStore.open(pgStateUrlFor(dir), opts);
  open.push(s);
  return s;
}

/** SQLite's own behaviour (the file, its locks, its query plans): PostgreSQL has state-store-pg.test.ts. */
const sqliteOnly = ON_PG ? describe.skip : describe;

const me = localWorker();
const other: WorkerRef = { id: 'elsewhere:1', host: 'elsewhere', pid: 1 };

function planned(objectId: string, start: string, extra: Partial<PlannedInstance> = {}): PlannedInstance {
  return {
    objectId,
    objectType: 'ShellCommandActivity',
    scheduledStart: start,
    scheduledEnd: start,
    take: true,
    maxRetries: 0,
    retryDelayMs: 0,
    ...extra,
  };
}

function plan(pipeline: string, instances: PlannedInstance[], extra: Partial<RunPlan> = {}): RunPlan {
  return {
    pipeline,
    version: 1,
    kind: 'test',
    worker: me,
    exclusive: false,
    generation: 1,
    instances,
    ...extra,
  };
}

/** A plan that was recorded (not refused as busy). */
function must(r: PlannedRun): Exclude<PlannedRun, { busy: RunRow }> {
  if (r.busy) throw new Error(`refused: run #${r.busy.id} is alive`);
  return r;
}

async function seeded(s: StateStore, pipeline: string, instances: PlannedInstance[]) {
  await s.saveDefinition(pipeline, '{"objects":[]}', {});
  return must(await s.planRun(plan(pipeline, instances)));
}

const days = (n: number) =>
  Array.from({ length: n }, (_, i) => new Date(Date.UTC(2024, 0, 1 + i)).toISOString());

sqliteOnly('state store: schema', () => {
  it('creates a fresh database at the current schema version', async () => {
    const dir = tempDir();
    const s = await store(dir);
    expect(s.db.prepare('SELECT version FROM schema_version').get()).toEqual({ version: SCHEMA_VERSION });
    expect(s.db.pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it("adopts a previous release's state.db: its runs stay readable and new runs work", async () => {
    const dir = tempDir();
    mkdirSync(dir, { recursive: true });
    const old = new Database(join(dir, 'state.db'));
    old.exec(MIGRATIONS[0]);
    old
      .prepare(
        "INSERT INTO pipelines (name, version, generation, updated_at) VALUES ('legacy', 1, 1, '2024-01-01T00:00:00.000Z')",
      )
      .run();
    old
      .prepare(
        "INSERT INTO definitions VALUES ('legacy', 1, 'x', '{\"objects\":[]}', '2024-01-01T00:00:00.000Z')",
      )
      .run();
    old
      .prepare(
        "INSERT INTO runs (pipeline, version, kind, pid, started_at, status) VALUES ('legacy', 1, 'activate', 1, '2024-01-01T00:00:00.000Z', 'FINISHED')",
      )
      .run();
    old
      .prepare(
        `INSERT INTO instances (pipeline, generation, object_id, object_type, scheduled_start, scheduled_end, status, run_id, attempts)
       VALUES ('legacy', 1, 'A', 'ShellCommandActivity', '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z', 'FINISHED', 1, 1)`,
      )
      .run();
    old
      .prepare(
        "INSERT INTO attempts (instance_id, run_id, number, started_at, status) VALUES (1, 1, 1, '2024-01-01T00:00:00.000Z', 'FINISHED')",
      )
      .run();
    old.close();

    const s = await store(dir);
    expect((await s.pipeline('legacy'))?.version).toBe(1);
    expect(await s.definitionJson('legacy', 1)).toBe('{"objects":[]}');
    const [row] = await s.instances('legacy', 1);
    expect(row).toMatchObject({
      object_id: 'A',
      status: 'FINISHED',
      attempts: 1,
      failures: 0,
      worker_id: null,
    });
    expect((await s.attempts(row.id)).map((a) => a.status)).toEqual(['FINISHED']);
    // The next run of the old pipeline plans on top of the old rows.
    const again = must(await s.planRun(plan('legacy', [planned('A', row.scheduled_start, { take: false })])));
    expect(again.instances[0].id).toBe(row.id);
    expect((await s.runs('legacy')).map((r) => r.status)).toEqual(['RUNNING', 'FINISHED']);
    // Opening again does not migrate twice.
    const second = await store(dir);
    expect(second.db.prepare('SELECT version FROM schema_version').all()).toEqual([
      { version: SCHEMA_VERSION },
    ]);
  });

  it('refuses a database written by a newer etlctl (ETL7301, exit 3)', async () => {
    const dir = tempDir();
    (await store(dir)).db.prepare('UPDATE schema_version SET version = ?').run(SCHEMA_VERSION + 1);
    const e = await SqliteStateStore.open(dir).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(EtlError);
    expect((e as EtlError).diagnostics[0].code).toBe('ETL7301');
    expect((e as EtlError).exitCode).toBe(3);
  });

  it('openStateStore opens SQLite in the state directory and refuses a shared URL it cannot serve', async () => {
    const dir = tempDir();
    const s = await openStateStore({ stateDir: dir });
    open.push(s);
    expect(s.location).toBe(join(dir, 'state.db'));
    await expect(openStateStore({ stateDir: dir, url: 'mysql://u:secret@h/db' })).rejects.toThrow(
      /ETL7304: a shared state store \(mysql\) is not supported/,
    );
  });
});

describe('state store: definitions and planning', () => {
  it('stores a new definition version only when the JSON changed', async () => {
    const s = await anyStore(tempDir());
    expect((await s.saveDefinition('p', '{"a":1}', { mode: 'local' })).version).toBe(1);
    expect((await s.saveDefinition('p', '{"a":1}', {})).version).toBe(1);
    const row = await s.saveDefinition('p', '{"a":2}', { active: true });
    expect(row).toMatchObject({ version: 2, active: 1, generation: 1 });
    expect(await s.definitionJson('p', 1)).toBe('{"a":1}');
  });

  it('planning is idempotent: the same period planned twice (two store objects) is one instance', async () => {
    const dir = tempDir();
    const a = await anyStore(dir);
    const b = await anyStore(dir);
    await a.saveDefinition('p', '{}', {});
    const list = days(3).map((d) => planned('Load', d, { maxRetries: 2, retryDelayMs: 500 }));
    const [first, second] = (await Promise.all([a.planRun(plan('p', list)), b.planRun(plan('p', list))])).map(
      must,
    );
    expect(first.instances.map((i) => i.id)).toEqual(second.instances.map((i) => i.id));
    expect(await a.instances('p', 1)).toHaveLength(3);
    expect(first.instances[0]).toMatchObject({ max_retries: 2, retry_delay_ms: 500 });
  });

  it('a run takes over unfinished instances and leaves the others as they are', async () => {
    const s = await anyStore(tempDir());
    const [d1, d2] = days(2);
    const first = await seeded(s, 'p', [planned('A', d1), planned('A', d2)]);
    await s.setInstanceStatus([first.instances[0].id], 'FINISHED', { rows: 5 });
    await s.setInstanceStatus([first.instances[1].id], 'FAILED', { error: 'boom' });
    const second = must(await s.planRun(plan('p', [planned('A', d1, { take: false }), planned('A', d2)])));
    expect(second.runId).toBeGreaterThan(first.runId);
    expect(second.instances[0]).toMatchObject({ status: 'FINISHED', rows: 5, run_id: first.runId });
    expect(second.instances[1]).toMatchObject({
      status: 'WAITING_ON_DEPENDENCIES',
      error: null,
      ended_at: null,
      run_id: second.runId,
    });
    // A plan made before another run finished an instance (take: true) does not undo it.
    const stale = must(await s.planRun(plan('p', [planned('A', d1)])));
    expect(stale.instances[0]).toMatchObject({ status: 'FINISHED', rows: 5, run_id: first.runId });
  });

  it('a higher generation becomes the pipeline generation and starts fresh instances', async () => {
    const s = await anyStore(tempDir());
    const [d1] = days(1);
    await seeded(s, 'p', [planned('A', d1)]);
    const next = must(await s.planRun(plan('p', [planned('A', d1)], { generation: 2 })));
    expect((await s.pipeline('p'))?.generation).toBe(2);
    expect(next.instances[0].generation).toBe(2);
    expect(await s.instances('p', 1)).toHaveLength(1);
  });

  it('closes runs left RUNNING by a dead process; a run on another host counts as alive while its lease holds', async () => {
    let now = Date.parse('2024-05-01T00:00:00Z');
    const s = await anyStore(tempDir(), { clock: () => now });
    await s.saveDefinition('p', '{}', {});
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const stale = must(await s.planRun(plan('p', [], { worker: { id: 'gone', host: me.host, pid: dead } })));
    expect(await s.liveRun('p')).toBeUndefined();
    const remote = must(await s.planRun(plan('p', [], { worker: other })));
    expect((await s.runs('p')).find((r) => r.id === stale.runId)?.status).toBe('INTERRUPTED');
    expect(await s.liveRun('p')).toBeUndefined(); // never heartbeated: no lease
    await s.heartbeat(other, 60_000);
    expect((await s.liveRun('p'))?.id).toBe(remote.runId);
    now += 61_000;
    expect(await s.liveRun('p')).toBeUndefined();
  });
});

describe('state store: claims and leases', () => {
  it('an instance is claimed once; the attempt records the worker; a retry is attempt 2', async () => {
    const s = await anyStore(tempDir());
    const run = await seeded(s, 'p', [planned('A', days(1)[0])]);
    const id = run.instances[0].id;
    const claim = { instanceId: id, runId: run.runId, leaseMs: 60_000, logPath: '/tmp/a.log' };
    const att = await s.claimInstance({ ...claim, worker: me });
    expect(att).toMatchObject({ number: 1, status: 'RUNNING', worker_id: me.id, host: me.host });
    expect(await s.claimInstance({ ...claim, worker: other })).toBeUndefined();
    expect((await s.instances('p', 1))[0]).toMatchObject({
      status: 'RUNNING',
      worker_id: me.id,
      attempts: 1,
    });

    const done = await s.finishAttempt(
      att!.id,
      { status: 'FAILED', error: 'exit 1' },
      { status: 'WAITING_FOR_RUNNER', error: 'exit 1', failures: 1, retryAt: '2030-01-01T00:00:00.000Z' },
    );
    expect(done.owned).toBe(true);
    expect((await s.instances('p', 1))[0]).toMatchObject({
      status: 'WAITING_FOR_RUNNER',
      worker_id: null,
      lease_expires_at: null,
      failures: 1,
      retry_at: '2030-01-01T00:00:00.000Z',
    });
    const second = await s.claimInstance({ ...claim, worker: other });
    expect(second).toMatchObject({ number: 2, worker_id: other.id });
    await s.finishAttempt(
      second!.id,
      { status: 'FINISHED', rows: 3 },
      { status: 'FINISHED', rows: 3, error: null },
    );
    const row = (await s.instances('p', 1))[0];
    expect(row).toMatchObject({ status: 'FINISHED', rows: 3, attempts: 2, error: null });
    expect(row.ended_at).not.toBeNull();
    expect(await s.claimInstance({ ...claim, worker: me })).toBeUndefined();
    expect((await s.attempts(id)).map((a) => [a.number, a.status, a.worker_id])).toEqual([
      [1, 'FAILED', me.id],
      [2, 'FINISHED', other.id],
    ]);
  });

  it('a lease kept by heartbeats holds; one that runs out fails the attempt as TIMEDOUT and retries per max_retries', async () => {
    let now = Date.parse('2024-05-01T00:00:00Z');
    const s = await anyStore(tempDir(), { clock: () => now });
    const run = await seeded(s, 'p', [planned('A', days(1)[0], { maxRetries: 1, retryDelayMs: 5000 })]);
    const id = run.instances[0].id;
    const claim = { instanceId: id, runId: run.runId, leaseMs: 1000, logPath: '/tmp/a.log' };
    const first = (await s.claimInstance({ ...claim, worker: other }))!;
    now += 800;
    expect(await s.heartbeat(other, 1000)).toBe(1);
    now += 800; // 1.6 s after the claim, 0.8 s after the heartbeat
    expect(await s.expireLeases('p')).toEqual([]);
    now += 300;
    const [expired] = await s.expireLeases('p');
    expect(expired).toMatchObject({ retried: true, attemptId: first.id });
    expect(expired.instance).toMatchObject({
      status: 'WAITING_FOR_RUNNER',
      failures: 1,
      worker_id: null,
      retry_at: new Date(now + 5000).toISOString(),
    });
    expect(expired.instance.error).toMatch(/worker elsewhere:1 stopped reporting progress/);
    expect((await s.attempts(id))[0]).toMatchObject({ status: 'TIMEDOUT' });
    // The silent worker comes back: its result is not recorded over the retry.
    const late = await s.finishAttempt(first.id, { status: 'FINISHED' }, { status: 'FINISHED' });
    expect(late).toMatchObject({ owned: false, current: { status: 'WAITING_FOR_RUNNER' } });

    const second = (await s.claimInstance({ ...claim, worker: me }))!;
    expect(second.number).toBe(2);
    now += 1500;
    const [out] = await s.expireLeases();
    expect(out).toMatchObject({ retried: false, instance: { status: 'FAILED', failures: 2 } });
    expect(out.instance.ended_at).toBe(new Date(now).toISOString());
  });

  it('an exclusive run is refused while another live run holds the pipeline; after a crash it closes what was left RUNNING', async () => {
    const dir = tempDir();
    const s = await anyStore(dir);
    await s.saveDefinition('p', '{}', {});
    // A run of a process that is alive (a child we keep waiting) holds the pipeline.
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    const alive = { id: 'holder', host: me.host, pid: holder.pid! };
    try {
      const held = must(
        await s.planRun(plan('p', [planned('A', days(1)[0])], { worker: alive, exclusive: true })),
      );
      const att = (await s.claimInstance({
        instanceId: held.instances[0].id,
        runId: held.runId,
        worker: alive,
        leaseMs: 60_000,
        logPath: '/tmp/a.log',
      }))!;
      await s.setAttemptPid(att.id, 4242);
      const refused = await s.planRun(plan('p', [planned('A', days(1)[0])], { exclusive: true }));
      expect(refused.busy?.id).toBe(held.runId);
      expect((await s.attempts(held.instances[0].id))[0]).toMatchObject({ id: att.id, status: 'RUNNING' });
    } finally {
      holder.kill('SIGKILL');
      await new Promise((r) => holder.on('exit', r));
    }
    // The holder died: the next exclusive run takes over, and says which attempt it interrupted.
    const next = must(await s.planRun(plan('p', [planned('A', days(1)[0])], { exclusive: true })));
    expect(next.interrupted.map((a) => [a.pid, a.status])).toEqual([[4242, 'RUNNING']]);
    expect(next.instances[0]).toMatchObject({ status: 'WAITING_ON_DEPENDENCIES', worker_id: null });
    const [attempt] = await s.attempts(next.instances[0].id);
    expect(attempt).toMatchObject({
      status: 'INTERRUPTED',
      error: 'the run was interrupted (process ended)',
    });
    expect((await s.runs('p')).map((r) => r.status)).toEqual(['RUNNING', 'INTERRUPTED']);
  });

  it('two store objects on one file claiming the same instances at once: each instance is claimed once', async () => {
    const dir = tempDir();
    const a = await anyStore(dir);
    const b = await anyStore(dir);
    const run = await seeded(
      a,
      'p',
      days(60).map((d) => planned('A', d)),
    );
    const claimAll = (s: StateStore, w: WorkerRef) =>
      Promise.all(
        run.instances.map((i) =>
          s.claimInstance({ instanceId: i.id, runId: run.runId, worker: w, leaseMs: 60_000, logPath: 'x' }),
        ),
      );
    const [byA, byB] = await Promise.all([claimAll(a, me), claimAll(b, other)]);
    const winners = run.instances.map((_, k) => [byA[k], byB[k]].filter(Boolean).length);
    expect(winners.every((n) => n === 1)).toBe(true);
    const counts = await Promise.all(run.instances.map(async (i) => (await a.attempts(i.id)).length));
    expect(counts).toHaveLength(60);
    expect(counts.every((n) => n === 1)).toBe(true);
  });
});

sqliteOnly('state store: two processes on one state directory', () => {
  /**
   * A separate process claiming every instance it can, in its own order, once `go` exists (so
   * both start together); prints the ids it won.
   */
  function claimer(
    dir: string,
    worker: string,
    ids: number[],
    runId: number,
    go: string,
  ): { ready: Promise<void>; won: Promise<number[]> } {
    const script = `
      const { existsSync } = await import('node:fs');
      const { SqliteStateStore } = await import(${JSON.stringify(join(root, 'dist/src/local/state/sqlite.js'))});
      const s = await SqliteStateStore.open(${JSON.stringify(dir)}, { busyTimeoutMs: 5 });
      const ids = ${JSON.stringify(ids)}.sort(() => Math.random() - 0.5);
      const won = [];
      const w = { id: ${JSON.stringify(worker)}, host: 'test', pid: process.pid };
      console.log('ready');
      while (!existsSync(${JSON.stringify(go)})) await new Promise((r) => setTimeout(r, 2));
      for (const id of ids) {
        const a = await s.claimInstance({ instanceId: id, runId: ${runId}, worker: w, leaseMs: 60000, logPath: 'x' });
        if (a) { won.push(id); await s.setAttemptPid(a.id, process.pid); }
      }
      await s.close();
      console.log(JSON.stringify(won));`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script]);
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const ready = async (): Promise<void> => {
      while (!out.startsWith('ready')) {
        if (child.exitCode !== null) throw new Error(err);
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    const won = new Promise<number[]>((res, rej) =>
      child.on('exit', (code) =>
        code === 0 ? res(JSON.parse(out.trim().split('\n').pop()!) as number[]) : rej(new Error(err)),
      ),
    );
    return { ready: ready(), won };
  }

  it('two processes claiming 400 instances: every instance claimed exactly once, both at work, no lock error', async () => {
    const dir = tempDir();
    const s = await store(dir);
    const run = await seeded(
      s,
      'p',
      days(400).map((d) => planned('A', d)),
    );
    const ids = run.instances.map((i) => i.id);
    const go = join(dir, 'go');
    const one = claimer(dir, 'w1', ids, run.runId, go);
    const two = claimer(dir, 'w2', ids, run.runId, go);
    await Promise.all([one.ready, two.ready]);
    writeFileSync(go, '');
    const [a, b] = await Promise.all([one.won, two.won]);
    expect([...a, ...b].sort((x, y) => x - y)).toEqual(ids);
    expect(a.filter((id) => b.includes(id))).toEqual([]);
    const attempts = s.db.prepare('SELECT worker_id, COUNT(*) AS n FROM attempts GROUP BY worker_id').all();
    expect(attempts).toEqual(
      expect.arrayContaining([
        { worker_id: 'w1', n: a.length },
        { worker_id: 'w2', n: b.length },
      ]),
    );
  });
});

sqliteOnly('state store: a busy database', () => {
  it('waits for another connection holding the write lock, then succeeds', async () => {
    const dir = tempDir();
    const holder = await store(dir);
    const s = await store(dir, { busyTimeoutMs: 20 });
    await holder.saveDefinition('p', '{}', {});
    holder.db.exec('BEGIN IMMEDIATE');
    let released = false;
    setTimeout(() => {
      holder.db.exec('COMMIT');
      released = true;
    }, 300);
    const row = await s.saveDefinition('p', '{"changed":true}', {});
    expect(released).toBe(true);
    expect(row.version).toBe(2);
  });

  it('gives up after its budget with ETL7300 (exit 3), never "database is locked"', async () => {
    const dir = tempDir();
    const holder = await store(dir);
    const s = await store(dir, { busyTimeoutMs: 10, busyBudgetMs: 200 });
    holder.db.exec('BEGIN IMMEDIATE');
    try {
      const e = (await s.setActive('p', true).catch((x: unknown) => x)) as EtlError;
      expect(e).toBeInstanceOf(EtlError);
      expect(e.diagnostics[0].code).toBe('ETL7300');
      expect(e.exitCode).toBe(3);
      expect(e.message).not.toMatch(/database is locked/);
    } finally {
      holder.db.exec('ROLLBACK');
    }
  });
});

describe('state store: actions and the status grid', () => {
  it('records who did what, newest first, by pipeline or instance; unknown kinds are refused', async () => {
    const s = await anyStore(tempDir());
    const run = await seeded(s, 'p', [planned('A', days(1)[0])]);
    await s.recordAction({ actor: 'ana', action: 'pause', pipeline: 'p' });
    await s.recordAction({
      actor: 'bo',
      action: 'backfill',
      pipeline: 'p',
      rangeStart: '2024-01-01T00:00:00.000Z',
      rangeEnd: '2024-02-01T00:00:00.000Z',
    });
    await s.recordAction({
      actor: 'ana',
      action: 'acknowledge',
      pipeline: 'p',
      instanceId: run.instances[0].id,
      note: 'source was down; rerun tomorrow',
    });
    await s.recordAction({ actor: 'cy', action: 'resume', pipeline: 'q' });
    const all = await s.actions({ pipeline: 'p' });
    expect(all.map((a) => [a.actor, a.action])).toEqual([
      ['ana', 'acknowledge'],
      ['bo', 'backfill'],
      ['ana', 'pause'],
    ]);
    expect(all[1]).toMatchObject({
      range_start: '2024-01-01T00:00:00.000Z',
      range_end: '2024-02-01T00:00:00.000Z',
    });
    expect(await s.actions({ instanceId: run.instances[0].id })).toEqual([
      expect.objectContaining({ note: 'source was down; rerun tomorrow' }),
    ]);
    expect(await s.actions({ limit: 1 })).toEqual([expect.objectContaining({ actor: 'cy' })]);
    await expect(s.recordAction({ actor: 'x', action: 'delete' as never, pipeline: 'p' })).rejects.toThrow(
      /ETL7302/,
    );
  });

  it('the grid: current generation of each pipeline in a date range, filtered by status, with acknowledgements', async () => {
    const s = await anyStore(tempDir());
    const d = days(5);
    const a = await seeded(s, 'orders', [
      ...d.map((x) => planned('Extract', x)),
      ...d.map((x) => planned('Load', x)),
    ]);
    const b = await seeded(
      s,
      'users',
      d.map((x) => planned('Copy', x)),
    );
    await s.planRun(plan('old', [planned('X', d[1])]));
    await s.saveDefinition('old', '{}', {});
    await s.planRun(plan('old', [planned('X', d[1])], { generation: 2 }));
    await s.setInstanceStatus([a.instances[1].id], 'FAILED', { error: 'boom' });
    await s.recordAction({
      actor: 'ana',
      action: 'acknowledge',
      pipeline: 'orders',
      instanceId: a.instances[1].id,
    });
    await s.setInstanceStatus([b.instances[1].id], 'FINISHED', { rows: 10 });

    const cells = await s.grid({ from: d[1], to: d[3] });
    expect(cells.map((c) => [c.pipeline, c.object_id, c.scheduled_start.slice(0, 10)])).toEqual([
      ['old', 'X', '2024-01-02'],
      ['orders', 'Extract', '2024-01-02'],
      ['orders', 'Load', '2024-01-02'],
      ['orders', 'Extract', '2024-01-03'],
      ['orders', 'Load', '2024-01-03'],
      ['users', 'Copy', '2024-01-02'],
      ['users', 'Copy', '2024-01-03'],
    ]);
    expect(cells.filter((c) => c.pipeline === 'old')).toHaveLength(1); // generation 2 only
    const failed = await s.grid({ from: d[0], to: '2025-01-01', statuses: ['FAILED'] });
    expect(failed).toEqual([
      expect.objectContaining({
        pipeline: 'orders',
        object_id: 'Extract',
        error: 'boom',
        acknowledged: true,
      }),
    ]);
    const users = await s.grid({
      from: d[0],
      to: '2025-01-01',
      pipelines: ['users'],
      statuses: ['FINISHED'],
    });
    expect(users).toEqual([expect.objectContaining({ object_id: 'Copy', rows: 10, acknowledged: false })]);

    // The UI's counted grid (both stores): the same cells, counted per pipeline × day × status.
    const key = (c: { pipeline: string; day: string; status: string; acknowledged: boolean }) =>
      `${c.pipeline} ${c.day} ${c.status} ${c.acknowledged}`;
    const expected = new Map<string, number>();
    for (const c of cells) {
      const k = key({ ...c, day: c.scheduled_start.slice(0, 10) });
      expected.set(k, (expected.get(k) ?? 0) + 1);
    }
    const counted = await s.gridCounts!({ from: d[1], to: d[3] });
    expect(new Map(counted.map((c) => [key(c), c.count]))).toEqual(expected);
    expect(counted).toContainEqual({
      pipeline: 'orders',
      day: '2024-01-02',
      status: 'FAILED',
      acknowledged: true,
      count: 1,
    });
  });

  it.skipIf(ON_PG)('the grid and lease queries use indexes, not table scans', async () => {
    const s = await store(tempDir());
    const plan = (sql: string) =>
      (s.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[])
        .map((r) => r.detail)
        .join('\n');
    expect(
      plan(
        "SELECT * FROM pipelines p JOIN instances i ON i.pipeline = p.name AND i.generation = p.generation WHERE i.scheduled_start >= '2024' AND i.scheduled_start < '2025'",
      ),
    ).toMatch(/instances_by_(schedule|start)/);
    expect(plan("SELECT * FROM instances WHERE status = 'RUNNING' AND lease_expires_at <= '2024'")).toMatch(
      /instances_leased/,
    );
    expect(
      plan("UPDATE instances SET lease_expires_at = '1' WHERE worker_id = 'w' AND status = 'RUNNING'"),
    ).toMatch(/instances_by_worker|instances_leased/);
  });
});
