/**
 * The embedded state store: SQLite in `<stateDir>/state.db` (better-sqlite3, WAL).
 *
 * Two processes on one state directory (an agent and an `activate`, two activations) must never
 * see "database is locked": the busy timeout is set before switching to WAL (switching needs the
 * lock), every writing transaction is BEGIN IMMEDIATE (a deferred one that reads first cannot wait
 * for the lock later and fails at once), and an operation that still finds the database busy is
 * retried with back-off, without blocking the event loop in between, for `busyBudgetMs` before a
 * clear ETL7300. Every method is one transaction, durable (synchronous=FULL) when it returns.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { EtlError, ExitCode, diag } from '../../diagnostics.js';
import { MIGRATIONS, SCHEMA_VERSION } from './schema.js';
import type {
  ActionFilter,
  ActionRow,
  AttemptEnd,
  AttemptRow,
  Claim,
  DefinitionInfo,
  ExpiredLease,
  FinishedAttempt,
  GridCell,
  GridCount,
  GridQuery,
  InstanceRow,
  InstanceStatus,
  InstanceUpdate,
  NewAction,
  PipelineRow,
  PlannedInstance,
  PlannedRun,
  RunPlan,
  RunRow,
  RunStatus,
  StateStore,
  WorkerRef,
} from './store.js';
import { ACTION_KINDS, TERMINAL, localWorker, onThisHost, runAlive } from './store.js';

export interface SqliteStoreOptions {
  /** Milliseconds SQLite itself waits for a lock before an operation is retried (default 200). */
  busyTimeoutMs?: number;
  /** How long an operation keeps retrying a busy database before ETL7300 (default 30 s). */
  busyBudgetMs?: number;
  /** The clock for timestamps and leases (tests). */
  clock?: () => number;
}

type Params = Record<string, unknown>;

const BUSY = /^SQLITE_(BUSY|LOCKED)/;
const ENVIRONMENT = /^SQLITE_(FULL|IOERR|CORRUPT|READONLY|CANTOPEN|NOTADB|PERM|NOLFS|AUTH)/;

function sqliteCode(e: unknown): string {
  return typeof (e as { code?: unknown })?.code === 'string' ? (e as { code: string }).code : '';
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class SqliteStateStore implements StateStore {
  readonly location: string;
  /** The connection (tests hold locks on it); everything else goes through the methods. */
  readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly busyBudgetMs: number;
  private readonly clock: () => number;

  private constructor(file: string, opts: SqliteStoreOptions) {
    this.location = file;
    this.busyBudgetMs = opts.busyBudgetMs ?? 30_000;
    this.clock = opts.clock ?? Date.now;
    this.db = new Database(file);
    // Before WAL: switching the journal mode takes the lock another process may hold.
    this.db.pragma(`busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeoutMs ?? 200))}`);
  }

  /** Open (creating or migrating) `<stateDir>/state.db`. */
  static async open(stateDir: string, opts: SqliteStoreOptions = {}): Promise<SqliteStateStore> {
    const file = join(stateDir, 'state.db');
    let store: SqliteStateStore | undefined;
    try {
      mkdirSync(stateDir, { recursive: true });
      store = new SqliteStateStore(file, opts);
      const s = store;
      await s.retry('open', () => s.db.pragma('journal_mode = WAL'));
      await s.retry('migrate', () => s.migrate());
      return s;
    } catch (e) {
      store?.db.close();
      if (e instanceof EtlError) throw e;
      throw new EtlError(
        diag('ETL7510', `cannot open the local state database ${file}: ${(e as Error).message}`, {
          hint: 'check that the state directory is writable and not on a network file system',
        }),
        ExitCode.ENVIRONMENT,
      );
    }
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  // ---- plumbing -------------------------------------------------------------------------------

  private now(): string {
    return new Date(this.clock()).toISOString();
  }

  private later(ms: number): string {
    return new Date(this.clock() + ms).toISOString();
  }

  /** Prepared once per connection: parsing SQL on every call is most of a small statement's cost. */
  private sql(text: string): Database.Statement {
    let s = this.statements.get(text);
    if (!s) {
      s = this.db.prepare(text);
      this.statements.set(text, s);
    }
    return s;
  }

  /** One writing transaction, taking the write lock up front (BEGIN IMMEDIATE). */
  private write<T>(what: string, fn: () => T): Promise<T> {
    return this.retry(what, () => this.db.transaction(fn).immediate());
  }

  /** One writing statement: atomic on its own, and it takes the write lock as it starts. */
  private writeOne<T>(what: string, fn: () => T): Promise<T> {
    return this.retry(what, fn);
  }

  private read<T>(what: string, fn: () => T): Promise<T> {
    return this.retry(what, fn);
  }

  /** Run `fn`; while the database is busy, wait (without blocking) and run it again, for a while. */
  private async retry<T>(what: string, fn: () => T): Promise<T> {
    const started = Date.now();
    for (let delay = 5; ; delay = Math.min(delay * 2, 250)) {
      try {
        return fn();
      } catch (e) {
        const code = sqliteCode(e);
        if (!BUSY.test(code)) throw this.failure(e, what);
        if (Date.now() - started >= this.busyBudgetMs) {
          throw new EtlError(
            diag(
              'ETL7300',
              `the local state database ${this.location} stayed locked by another process for ${Math.round((Date.now() - started) / 1000)} s (${what})`,
              {
                hint: 'another etlctl (an agent or an activation) is holding it; try again when it is done, or find it with: fuser state.db',
              },
            ),
            ExitCode.ENVIRONMENT,
          );
        }
        await sleep(delay + Math.random() * delay);
      }
    }
  }

  /** Disk full, I/O errors, a damaged file: an environment problem with a clear message. */
  private failure(e: unknown, what: string): unknown {
    const code = sqliteCode(e);
    if (!ENVIRONMENT.test(code)) return e;
    return new EtlError(
      diag(
        'ETL7303',
        `cannot use the local state database ${this.location} (${what}): ${(e as Error).message}`,
        {
          hint: 'check the free space and permissions of the state directory (local.state_dir)',
        },
      ),
      ExitCode.ENVIRONMENT,
    );
  }

  private migrate(): void {
    const current = (): number => {
      const table = this.db
        .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'")
        .get();
      if (!table) return 0;
      return (
        (this.db.prepare('SELECT version FROM schema_version').get() as { version: number } | undefined)
          ?.version ?? 0
      );
    };
    const fresh = current();
    if (fresh === SCHEMA_VERSION) return;
    this.db
      .transaction(() => {
        // Another process may have migrated while this one waited for the lock.
        const from = current();
        if (from > SCHEMA_VERSION) {
          throw new EtlError(
            diag(
              'ETL7301',
              `the local state database ${this.location} has schema version ${from}; this etlctl knows up to ${SCHEMA_VERSION}`,
              { hint: 'it was written by a newer etlctl: upgrade etlctl, or use another local.state_dir' },
            ),
            ExitCode.ENVIRONMENT,
          );
        }
        for (let v = from; v < SCHEMA_VERSION; v++) this.db.exec(MIGRATIONS[v]);
        this.db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
        this.db.exec('DELETE FROM schema_version');
        this.db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(SCHEMA_VERSION);
      })
      .immediate();
  }

  // ---- pipelines and definitions --------------------------------------------------------------

  private pipelineRow(name: string): PipelineRow | undefined {
    return this.sql('SELECT * FROM pipelines WHERE name = ?').get(name) as PipelineRow | undefined;
  }

  pipeline(name: string): Promise<PipelineRow | undefined> {
    return this.read('pipeline', () => this.pipelineRow(name));
  }

  pipelines(): Promise<PipelineRow[]> {
    return this.read(
      'pipelines',
      () => this.sql('SELECT * FROM pipelines ORDER BY name').all() as PipelineRow[],
    );
  }

  saveDefinition(name: string, json: string, info: DefinitionInfo): Promise<PipelineRow> {
    const sha = createHash('sha256').update(json).digest('hex');
    return this.write('save the definition', () => {
      const now = this.now();
      let row = this.pipelineRow(name);
      if (!row) {
        this.sql(
          'INSERT INTO pipelines (name, version, generation, first_activation, updated_at) VALUES (?, 0, 1, ?, ?)',
        ).run(name, now, now);
        row = this.pipelineRow(name)!;
      }
      const last = this.sql('SELECT sha256 FROM definitions WHERE pipeline = ? AND version = ?').get(
        name,
        row.version,
      ) as { sha256: string } | undefined;
      let version = row.version;
      if (!last || last.sha256 !== sha) {
        version += 1;
        this.sql(
          'INSERT INTO definitions (pipeline, version, sha256, json, created_at) VALUES (?, ?, ?, ?, ?)',
        ).run(name, version, sha, json, now);
      }
      return this.sql(
        `UPDATE pipelines SET version = ?, mode = ?, config_path = ?, source_file = ?, cwd = ?,
         active = COALESCE(?, active), updated_at = ? WHERE name = ? RETURNING *`,
      ).get(
        version,
        info.mode ?? null,
        info.configPath ?? null,
        info.sourceFile ?? null,
        info.cwd ?? null,
        info.active === undefined ? null : info.active ? 1 : 0,
        now,
        name,
      ) as PipelineRow;
    });
  }

  definitionJson(name: string, version: number): Promise<string | undefined> {
    return this.read('read a definition', () => {
      const r = this.sql('SELECT json FROM definitions WHERE pipeline = ? AND version = ?').get(
        name,
        version,
      ) as { json: string } | undefined;
      return r?.json;
    });
  }

  async setActive(name: string, active: boolean): Promise<void> {
    await this.writeOne('set active', () =>
      this.sql('UPDATE pipelines SET active = ? WHERE name = ?').run(active ? 1 : 0, name),
    );
  }

  async forgetPipeline(name: string): Promise<{ runs: number; instances: number; attempts: number }> {
    return this.writeOne('forget a pipeline', () => {
      const attempts = this.sql(
        'DELETE FROM attempts WHERE instance_id IN (SELECT id FROM instances WHERE pipeline = ?)',
      ).run(name).changes;
      this.sql('DELETE FROM actions WHERE pipeline = ?').run(name);
      const instances = this.sql('DELETE FROM instances WHERE pipeline = ?').run(name).changes;
      const runs = this.sql('DELETE FROM runs WHERE pipeline = ?').run(name).changes;
      this.sql('DELETE FROM definitions WHERE pipeline = ?').run(name);
      this.sql('DELETE FROM pipelines WHERE name = ?').run(name);
      return { runs, instances, attempts };
    });
  }

  // ---- runs -----------------------------------------------------------------------------------

  private runningRuns(pipeline: string): RunRow[] {
    return this.sql("SELECT * FROM runs WHERE pipeline = ? AND status = 'RUNNING' ORDER BY id DESC").all(
      pipeline,
    ) as RunRow[];
  }

  liveRun(pipeline: string, self: WorkerRef = localWorker()): Promise<RunRow | undefined> {
    return this.read('look for a live run', () => {
      const now = this.now();
      return this.runningRuns(pipeline).find((r) => runAlive(r, self, now));
    });
  }

  planRun(plan: RunPlan): Promise<PlannedRun> {
    return this.write('plan the run', () => {
      const now = this.now();
      const running = this.runningRuns(plan.pipeline);
      const busy = plan.exclusive ? running.find((r) => runAlive(r, plan.worker, now)) : undefined;
      if (busy) return { busy };
      // Runs left RUNNING by a worker that is gone were interrupted; close them so history reads right.
      for (const r of running) {
        if (!runAlive(r, plan.worker, now))
          this.sql("UPDATE runs SET status = 'INTERRUPTED', ended_at = ? WHERE id = ?").run(now, r.id);
      }
      const interrupted = plan.exclusive ? this.interruptDangling(plan.pipeline, plan.worker, now) : [];
      const runId = Number(
        this.sql(
          `INSERT INTO runs (pipeline, version, kind, pid, started_at, status, worker_id, host)
           VALUES (?, ?, ?, ?, ?, 'RUNNING', ?, ?)`,
        ).run(plan.pipeline, plan.version, plan.kind, plan.worker.pid, now, plan.worker.id, plan.worker.host)
          .lastInsertRowid,
      );
      this.sql('UPDATE pipelines SET generation = ? WHERE name = ? AND generation < ?').run(
        plan.generation,
        plan.pipeline,
        plan.generation,
      );
      const instances = plan.instances.map((p) => this.planInstance(plan, runId, p, now));
      return { runId, instances, interrupted };
    });
  }

  /**
   * No run of the pipeline is alive (checked in the same transaction), so attempts this host
   * left RUNNING belong to a process that is gone: close them, and free their instances.
   * Attempts of other hosts are left to their leases.
   */
  private interruptDangling(pipeline: string, self: WorkerRef, now: string): AttemptRow[] {
    const gone = (
      this.sql(
        `SELECT a.* FROM attempts a JOIN instances i ON i.id = a.instance_id
         WHERE i.pipeline = ? AND a.status = 'RUNNING'`,
      ).all(pipeline) as AttemptRow[]
    ).filter((a) => onThisHost(a, self));
    for (const a of gone) {
      this.sql(
        `UPDATE attempts SET status = 'INTERRUPTED', ended_at = ?, exit_code = NULL, error = ?, rows = NULL
         WHERE id = ?`,
      ).run(now, 'the run was interrupted (process ended)', a.id);
      this.sql('UPDATE instances SET worker_id = NULL, lease_expires_at = NULL WHERE id = ?').run(
        a.instance_id,
      );
    }
    return gone;
  }

  private planInstance(plan: RunPlan, runId: number, p: PlannedInstance, now: string): InstanceRow {
    const params: Params = {
      pipeline: plan.pipeline,
      generation: plan.generation,
      object: p.objectId,
      type: p.objectType,
      start: p.scheduledStart,
      end: p.scheduledEnd,
      run: runId,
      maxRetries: p.maxRetries,
      retryDelay: p.retryDelayMs,
      now,
    };
    const insert = `INSERT INTO instances (pipeline, generation, object_id, object_type, scheduled_start,
      scheduled_end, status, run_id, max_retries, retry_delay_ms)
      VALUES (@pipeline, @generation, @object, @type, @start, @end, 'WAITING_ON_DEPENDENCIES', @run, @maxRetries, @retryDelay)
      ON CONFLICT (pipeline, generation, object_id, scheduled_start)`;
    // Taking an instance over never steals it from a worker whose lease still holds, and never
    // undoes a FINISHED one (a plan made from an older snapshot, while another run finished it).
    const row = p.take
      ? this.sql(
          `${insert} DO UPDATE SET status = 'WAITING_ON_DEPENDENCIES', run_id = excluded.run_id, error = NULL,
           ended_at = NULL, failures = 0, retry_at = NULL, worker_id = NULL, lease_expires_at = NULL,
           max_retries = excluded.max_retries, retry_delay_ms = excluded.retry_delay_ms
           WHERE instances.status <> 'FINISHED' AND (instances.status <> 'RUNNING'
             OR instances.lease_expires_at IS NULL OR instances.lease_expires_at <= @now)
           RETURNING *`,
        ).get(params)
      : this.sql(`${insert} DO NOTHING RETURNING *`).get(params);
    return (row ??
      this.sql(
        'SELECT * FROM instances WHERE pipeline = @pipeline AND generation = @generation AND object_id = @object AND scheduled_start = @start',
      ).get(params)) as InstanceRow;
  }

  async endRun(
    id: number,
    status: RunStatus,
    counts: { ok: number; failed: number; skipped: number },
  ): Promise<void> {
    await this.writeOne('end the run', () =>
      this.sql(
        'UPDATE runs SET status = ?, ended_at = ?, ok = ?, failed = ?, skipped = ?, lease_expires_at = NULL WHERE id = ?',
      ).run(status, this.now(), counts.ok, counts.failed, counts.skipped, id),
    );
  }

  runs(pipeline: string, limit = 50): Promise<RunRow[]> {
    return this.read(
      'read runs',
      () =>
        this.sql('SELECT * FROM runs WHERE pipeline = ? ORDER BY id DESC LIMIT ?').all(
          pipeline,
          limit,
        ) as RunRow[],
    );
  }

  // ---- instances ------------------------------------------------------------------------------

  instances(pipeline: string, generation: number): Promise<InstanceRow[]> {
    return this.read(
      'read instances',
      () =>
        this.sql(
          'SELECT * FROM instances WHERE pipeline = ? AND generation = ? ORDER BY scheduled_start, id',
        ).all(pipeline, generation) as InstanceRow[],
    );
  }

  instancesOfRun(runId: number): Promise<InstanceRow[]> {
    return this.read(
      'read instances',
      () =>
        this.sql('SELECT * FROM instances WHERE run_id = ? ORDER BY scheduled_start, id').all(
          runId,
        ) as InstanceRow[],
    );
  }

  async setInstanceStatus(
    ids: readonly number[],
    status: InstanceStatus,
    fields: { error?: string | null; rows?: number | null } = {},
  ): Promise<void> {
    if (ids.length === 0) return;
    const sets = ['status = @status', 'ended_at = CASE WHEN @terminal THEN @now ELSE ended_at END'];
    if (fields.error !== undefined) sets.push('error = @error');
    if (fields.rows !== undefined) sets.push('rows = @rows');
    await this.writeOne('set instance status', () =>
      this.sql(`UPDATE instances SET ${sets.join(', ')} WHERE id IN (SELECT value FROM json_each(@ids))`).run(
        {
          status,
          terminal: TERMINAL.has(status) ? 1 : 0,
          now: this.now(),
          error: fields.error ?? null,
          rows: fields.rows ?? null,
          ids: JSON.stringify(ids),
        },
      ),
    );
  }

  // ---- claims, leases, attempts ---------------------------------------------------------------

  claimInstance(claim: Claim): Promise<AttemptRow | undefined> {
    return this.write('claim an instance', () => {
      const now = this.now();
      const claimed = this.sql(
        `UPDATE instances SET status = 'RUNNING', run_id = @run, worker_id = @worker, lease_expires_at = @lease,
         retry_at = NULL, started_at = COALESCE(started_at, @now),
         attempts = (SELECT COUNT(*) FROM attempts WHERE instance_id = @id) + 1
         WHERE id = @id AND status IN ('WAITING_ON_DEPENDENCIES', 'WAITING_FOR_RUNNER') RETURNING attempts`,
      ).get({
        id: claim.instanceId,
        run: claim.runId,
        worker: claim.worker.id,
        lease: this.later(claim.leaseMs),
        now,
      }) as { attempts: number } | undefined;
      if (!claimed) return undefined;
      return this.sql(
        `INSERT INTO attempts (instance_id, run_id, number, started_at, status, log_path, worker_id, host)
         VALUES (?, ?, ?, ?, 'RUNNING', ?, ?, ?) RETURNING *`,
      ).get(
        claim.instanceId,
        claim.runId,
        claimed.attempts,
        now,
        claim.logPath,
        claim.worker.id,
        claim.worker.host,
      ) as AttemptRow;
    });
  }

  heartbeat(worker: WorkerRef, leaseMs: number): Promise<number> {
    return this.write('heartbeat', () => {
      const lease = this.later(leaseMs);
      const held = this.sql(
        "UPDATE instances SET lease_expires_at = ? WHERE worker_id = ? AND status = 'RUNNING'",
      ).run(lease, worker.id).changes;
      this.sql("UPDATE runs SET lease_expires_at = ? WHERE worker_id = ? AND status = 'RUNNING'").run(
        lease,
        worker.id,
      );
      return held;
    });
  }

  async setAttemptPid(attemptId: number, pid: number | undefined): Promise<void> {
    await this.writeOne('record the step process', () =>
      this.sql('UPDATE attempts SET pid = ? WHERE id = ?').run(pid ?? null, attemptId),
    );
  }

  finishAttempt(attemptId: number, end: AttemptEnd, instance: InstanceUpdate): Promise<FinishedAttempt> {
    return this.write('record the attempt', () => {
      const now = this.now();
      const mine = this.sql(
        `UPDATE attempts SET status = @status, ended_at = @now, exit_code = @exitCode, error = @error, rows = @rows,
         pid = CASE WHEN @setPid THEN @pid ELSE pid END
         WHERE id = @id AND status = 'RUNNING' RETURNING instance_id`,
      ).get({
        id: attemptId,
        status: end.status,
        now,
        exitCode: end.exitCode ?? null,
        error: end.error ?? null,
        rows: end.rows ?? null,
        setPid: end.pid === undefined ? 0 : 1,
        pid: end.pid ?? null,
      }) as { instance_id: number } | undefined;
      if (!mine) {
        const current = this.sql(
          'SELECT i.* FROM instances i JOIN attempts a ON a.instance_id = i.id WHERE a.id = ?',
        ).get(attemptId) as InstanceRow;
        return { owned: false, current };
      }
      const sets = [
        'status = @status',
        'ended_at = CASE WHEN @terminal THEN @now ELSE ended_at END',
        'worker_id = NULL',
        'lease_expires_at = NULL',
      ];
      if (instance.error !== undefined) sets.push('error = @error');
      if (instance.rows !== undefined) sets.push('rows = @rows');
      if (instance.failures !== undefined) sets.push('failures = @failures');
      if (instance.retryAt !== undefined) sets.push('retry_at = @retryAt');
      this.sql(`UPDATE instances SET ${sets.join(', ')} WHERE id = @id`).run({
        id: mine.instance_id,
        status: instance.status,
        terminal: TERMINAL.has(instance.status) ? 1 : 0,
        now,
        error: instance.error ?? null,
        rows: instance.rows ?? null,
        failures: instance.failures ?? 0,
        retryAt: instance.retryAt ?? null,
      });
      return { owned: true };
    });
  }

  async expireLeases(pipeline?: string): Promise<ExpiredLease[]> {
    const find = (now: string): InstanceRow[] =>
      this.sql(
        `SELECT * FROM instances WHERE status = 'RUNNING' AND lease_expires_at IS NOT NULL
         AND lease_expires_at <= @now AND (@pipeline IS NULL OR pipeline = @pipeline)`,
      ).all({ now, pipeline: pipeline ?? null }) as InstanceRow[];
    // Nearly always nothing has expired: a read, and no write transaction at all.
    if ((await this.read('look for expired leases', () => find(this.now()))).length === 0) return [];
    return this.write('expire leases', () => {
      const now = this.now();
      return find(now).map((i) => this.expire(i, now));
    });
  }

  /** Data Pipeline's answer to a Task Runner that stopped reporting: the attempt timed out. */
  private expire(i: InstanceRow, now: string): ExpiredLease {
    const error = `the worker ${i.worker_id ?? '?'} stopped reporting progress (its lease ran out at ${i.lease_expires_at})`;
    const attempt = this.sql(
      `UPDATE attempts SET status = 'TIMEDOUT', ended_at = @now, error = @error
       WHERE instance_id = @id AND status = 'RUNNING' RETURNING id`,
    ).get({ id: i.id, now, error }) as { id: number } | undefined;
    const failures = i.failures + 1;
    const retried = failures <= i.max_retries;
    const instance = this.sql(
      `UPDATE instances SET status = @status, error = @error, failures = @failures, worker_id = NULL,
       lease_expires_at = NULL, retry_at = @retryAt, ended_at = CASE WHEN @retried THEN ended_at ELSE @now END
       WHERE id = @id RETURNING *`,
    ).get({
      id: i.id,
      status: retried ? 'WAITING_FOR_RUNNER' : 'FAILED',
      error,
      failures,
      retryAt: retried ? new Date(Date.parse(now) + i.retry_delay_ms).toISOString() : null,
      retried: retried ? 1 : 0,
      now,
    }) as InstanceRow;
    return { instance, attemptId: attempt?.id, retried };
  }

  attempts(instanceId: number): Promise<AttemptRow[]> {
    return this.read(
      'read attempts',
      () =>
        this.sql('SELECT * FROM attempts WHERE instance_id = ? ORDER BY number').all(
          instanceId,
        ) as AttemptRow[],
    );
  }

  // ---- actions and the grid -------------------------------------------------------------------

  recordAction(a: NewAction): Promise<ActionRow> {
    if (!ACTION_KINDS.includes(a.action)) {
      return Promise.reject(
        new EtlError(
          diag('ETL7302', `unknown action '${a.action}'`, { hint: `one of ${ACTION_KINDS.join(', ')}` }),
        ),
      );
    }
    return this.writeOne(
      'record an action',
      () =>
        this.sql(
          `INSERT INTO actions (at, actor, action, pipeline, instance_id, range_start, range_end, note)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
        ).get(
          this.now(),
          a.actor,
          a.action,
          a.pipeline,
          a.instanceId ?? null,
          a.rangeStart ?? null,
          a.rangeEnd ?? null,
          a.note ?? null,
        ) as ActionRow,
    );
  }

  actions(filter: ActionFilter = {}): Promise<ActionRow[]> {
    return this.read(
      'read actions',
      () =>
        this.sql(
          `SELECT * FROM actions WHERE (@pipeline IS NULL OR pipeline = @pipeline)
           AND (@instance IS NULL OR instance_id = @instance) ORDER BY id DESC LIMIT @limit`,
        ).all({
          pipeline: filter.pipeline ?? null,
          instance: filter.instanceId ?? null,
          limit: filter.limit ?? 100,
        }) as ActionRow[],
    );
  }

  grid(q: GridQuery): Promise<GridCell[]> {
    return this.read('read the grid', () => {
      const rows = this.sql(
        `SELECT i.id AS instance_id, i.pipeline, i.object_id, i.object_type, i.scheduled_start, i.scheduled_end,
           i.status, i.attempts, i.rows, i.error, i.started_at, i.ended_at, i.worker_id,
           EXISTS (SELECT 1 FROM actions a WHERE a.instance_id = i.id AND a.action = 'acknowledge') AS acknowledged
         FROM pipelines p JOIN instances i ON i.pipeline = p.name AND i.generation = p.generation
         WHERE i.scheduled_start >= @from AND i.scheduled_start < @to
           AND (@pipelines IS NULL OR p.name IN (SELECT value FROM json_each(@pipelines)))
           AND (@statuses IS NULL OR i.status IN (SELECT value FROM json_each(@statuses)))
         ORDER BY i.pipeline, i.scheduled_start, i.object_id LIMIT @limit`,
      ).all({
        from: q.from,
        to: q.to,
        pipelines: q.pipelines ? JSON.stringify(q.pipelines) : null,
        statuses: q.statuses ? JSON.stringify(q.statuses) : null,
        limit: q.limit ?? 10_000,
      }) as (Omit<GridCell, 'acknowledged'> & { acknowledged: number })[];
      return rows.map((r) => ({ ...r, acknowledged: r.acknowledged === 1 }));
    });
  }

  gridCounts(q: Pick<GridQuery, 'from' | 'to'>): Promise<GridCount[]> {
    return this.read('count the grid', () => {
      // instances_grid covers the scan; only failures look for an acknowledgement.
      const rows = this.sql(
        `SELECT i.pipeline, substr(i.scheduled_start, 1, 10) AS day, i.status,
           CASE WHEN i.status IN ('FAILED', 'TIMEDOUT', 'CASCADE_FAILED', 'CANCELED')
             THEN EXISTS (SELECT 1 FROM actions a WHERE a.instance_id = i.id AND a.action = 'acknowledge')
             ELSE 0 END AS acknowledged,
           COUNT(*) AS count
         FROM instances i INDEXED BY instances_grid JOIN pipelines p ON p.name = i.pipeline AND p.generation = i.generation
         WHERE i.scheduled_start >= @from AND i.scheduled_start < @to
         GROUP BY 1, 2, 3, 4`,
      ).all({ from: q.from, to: q.to }) as (Omit<GridCount, 'acknowledged'> & { acknowledged: number })[];
      return rows.map((r) => ({ ...r, acknowledged: r.acknowledged === 1 }));
    });
  }
}
