/**
 * The shared state store: PostgreSQL (`local.state_url: postgres://…`), for many agents on many
 * machines. Same contract as the SQLite store (store.ts); what makes it safe across machines:
 * - every method is one transaction on one pooled connection (READ COMMITTED), retried on a
 *   serialization failure or deadlock;
 * - planning takes the pipeline's row lock, so two agents planning the same period at once
 *   serialize and the unique key makes the second find the first's instance;
 * - a claim is a conditional UPDATE (the row lock makes the second claimant re-check and miss);
 *   `claimNext` picks waiting instances with FOR UPDATE SKIP LOCKED so agents never queue on
 *   each other;
 * - an attempt's end and a lease's expiry lock the instance row first, then the attempt, always
 *   in that order, so they cannot deadlock and exactly one of them wins.
 * Timestamps come from this process's clock (like SQLite's), as ISO 8601 text.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import { EtlError, ExitCode, diag } from '../../diagnostics.js';
import { PG_MIGRATIONS, PG_SCHEMA_VERSION, STATE_TABLES } from './pg-schema.js';
import type { StateTable } from './pg-schema.js';
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

export interface PgStoreOptions {
  /** The clock for timestamps and leases (tests). */
  clock?: () => number;
  /** Connections kept open (default 4). */
  poolSize?: number;
}

type Q = pg.PoolClient;

const RETRYABLE = new Set(['40001', '40P01']);

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}

/** The connection settings and the schema (`?schema=NAME`, default `etlctl`) of a state URL. */
export function parseStateUrl(url: string): { connectionString: string; schema: string } {
  const u = new URL(url);
  const schema = u.searchParams.get('schema') ?? 'etlctl';
  u.searchParams.delete('schema');
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
    throw new EtlError(
      diag('ETL7800', `the state store schema '${schema}' is not a plain SQL name`, {
        field: 'local.state_url',
        hint: 'use letters, digits and underscores, e.g. ?schema=etlctl',
      }),
      ExitCode.USAGE,
    );
  }
  return { connectionString: u.toString(), schema };
}

export class PgStateStore implements StateStore {
  readonly location: string;
  readonly identity: string;
  readonly schema: string;
  /** The pool (tests and `state export` read through it). */
  readonly pool: pg.Pool;
  private readonly clock: () => number;

  private constructor(url: string, opts: PgStoreOptions) {
    const { connectionString, schema } = parseStateUrl(url);
    this.location = redactUrl(url);
    this.schema = schema;
    // Database and schema, not host: agents reach one server under different names.
    this.identity = `postgres:${decodeURIComponent(new URL(connectionString).pathname.slice(1))}/${schema}`;
    this.clock = opts.clock ?? Date.now;
    this.pool = new pg.Pool({
      connectionString,
      max: opts.poolSize ?? 4,
      // Every statement names its tables unqualified: the schema is the connection's search path.
      options: `-c search_path=${schema}`,
    });
    // An idle connection the server dropped must not crash the process; the next query reconnects.
    this.pool.on('error', () => undefined);
  }

  /** Connect, creating the schema or migrating it (under an advisory lock: one migrator at a time). */
  static async open(url: string, opts: PgStoreOptions = {}): Promise<PgStateStore> {
    const store = new PgStateStore(url, opts);
    try {
      await store.migrate();
      return store;
    } catch (e) {
      await store.pool.end().catch(() => undefined);
      // Refusals (a newer schema) stand; a failed connection or migration is "cannot open".
      if (e instanceof EtlError && e.diagnostics[0]?.code !== 'ETL7802') throw e;
      const cause = e instanceof EtlError ? (e.diagnostics[0]?.message ?? '') : (e as Error).message;
      throw new EtlError(
        diag('ETL7801', `cannot open the shared state store ${store.location}: ${cause}`, {
          field: 'local.state_url',
          hint: 'check that the PostgreSQL server is reachable and the user may create the schema',
        }),
        ExitCode.ENVIRONMENT,
      );
    }
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }

  // ---- plumbing -------------------------------------------------------------------------------

  private now(): string {
    return new Date(this.clock()).toISOString();
  }

  private later(ms: number): string {
    return new Date(this.clock() + ms).toISOString();
  }

  /** One transaction; retried when PostgreSQL aborted it for a conflict it cannot order. */
  private async tx<T>(what: string, fn: (q: Q) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      let client: Q;
      try {
        client = await this.pool.connect();
      } catch (e) {
        throw this.unreachable(e, what);
      }
      try {
        await client.query('BEGIN');
        const out = await fn(client);
        await client.query('COMMIT');
        return out;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        const code = (e as { code?: string }).code ?? '';
        if (RETRYABLE.has(code) && attempt < 20) {
          await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * (attempt + 1)));
          continue;
        }
        if (e instanceof EtlError) throw e;
        throw this.unreachable(e, what);
      } finally {
        client.release();
      }
    }
  }

  private async read<T>(what: string, fn: (q: Q) => Promise<T>): Promise<T> {
    let client: Q;
    try {
      client = await this.pool.connect();
    } catch (e) {
      throw this.unreachable(e, what);
    }
    try {
      return await fn(client);
    } catch (e) {
      if (e instanceof EtlError) throw e;
      throw this.unreachable(e, what);
    } finally {
      client.release();
    }
  }

  private unreachable(e: unknown, what: string): EtlError {
    return new EtlError(
      diag('ETL7802', `the shared state store ${this.location} failed (${what}): ${(e as Error).message}`, {
        hint: 'check the PostgreSQL server and the network; the command can be run again',
      }),
      ExitCode.ENVIRONMENT,
    );
  }

  private async migrate(): Promise<void> {
    // The common case (already current) costs one read and no lock.
    const current = await this.read('read the schema version', async (q) => {
      const r = await q
        .query<{ version: number }>(
          `SELECT version FROM ${this.schema}.schema_version WHERE to_regclass('${this.schema}.schema_version') IS NOT NULL`,
        )
        .catch(() => ({ rows: [] as { version: number }[] }));
      return r.rows[0]?.version;
    });
    if (current === PG_SCHEMA_VERSION) return;
    await this.tx('migrate', async (q) => {
      // Transaction-scoped: released at COMMIT, so a crashed migrator never holds it.
      await q.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`etlctl.migrate.${this.schema}`]);
      await q.query(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`);
      await q.query('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
      const r = await q.query<{ version: number }>('SELECT version FROM schema_version');
      const from = r.rows[0]?.version ?? 0;
      if (from > PG_SCHEMA_VERSION) {
        throw new EtlError(
          diag(
            'ETL7803',
            `the shared state store ${this.location} has schema version ${from}; this etlctl knows up to ${PG_SCHEMA_VERSION}`,
            { hint: 'a newer etlctl migrated it: upgrade etlctl on this machine too' },
          ),
          ExitCode.ENVIRONMENT,
        );
      }
      if (from === PG_SCHEMA_VERSION) return;
      for (let v = from; v < PG_SCHEMA_VERSION; v++) await q.query(PG_MIGRATIONS[v]);
      await q.query('DELETE FROM schema_version');
      await q.query('INSERT INTO schema_version (version) VALUES ($1)', [PG_SCHEMA_VERSION]);
    });
  }

  /** The schema version recorded in the database (for `etlctl state migrate`). */
  async schemaVersion(): Promise<number> {
    return this.read('read the schema version', async (q) => {
      const r = await q.query<{ version: number }>('SELECT version FROM schema_version');
      return r.rows[0]?.version ?? 0;
    });
  }

  // ---- pipelines and definitions --------------------------------------------------------------

  private async pipelineRow(q: Q, name: string, lock = false): Promise<PipelineRow | undefined> {
    const r = await q.query<PipelineRow>(
      `SELECT * FROM pipelines WHERE name = $1${lock ? ' FOR UPDATE' : ''}`,
      [name],
    );
    return r.rows[0];
  }

  pipeline(name: string): Promise<PipelineRow | undefined> {
    return this.read('pipeline', (q) => this.pipelineRow(q, name));
  }

  pipelines(): Promise<PipelineRow[]> {
    return this.read(
      'pipelines',
      async (q) => (await q.query<PipelineRow>('SELECT * FROM pipelines ORDER BY name COLLATE "C"')).rows,
    );
  }

  saveDefinition(name: string, json: string, info: DefinitionInfo): Promise<PipelineRow> {
    const sha = createHash('sha256').update(json).digest('hex');
    return this.tx('save the definition', async (q) => {
      const now = this.now();
      await q.query(
        `INSERT INTO pipelines (name, version, generation, first_activation, updated_at) VALUES ($1, 0, 1, $2, $2)
         ON CONFLICT (name) DO NOTHING`,
        [name, now],
      );
      const row = (await this.pipelineRow(q, name, true))!;
      const last = await q.query<{ sha256: string }>(
        'SELECT sha256 FROM definitions WHERE pipeline = $1 AND version = $2',
        [name, row.version],
      );
      let version = row.version;
      if (last.rows[0]?.sha256 !== sha) {
        version += 1;
        await q.query(
          'INSERT INTO definitions (pipeline, version, sha256, json, created_at) VALUES ($1, $2, $3, $4, $5)',
          [name, version, sha, json, now],
        );
      }
      const r = await q.query<PipelineRow>(
        `UPDATE pipelines SET version = $1, mode = $2, config_path = $3, source_file = $4, cwd = $5,
         active = COALESCE($6, active), updated_at = $7 WHERE name = $8 RETURNING *`,
        [
          version,
          info.mode ?? null,
          info.configPath ?? null,
          info.sourceFile ?? null,
          info.cwd ?? null,
          info.active === undefined ? null : info.active ? 1 : 0,
          now,
          name,
        ],
      );
      return r.rows[0];
    });
  }

  definitionJson(name: string, version: number): Promise<string | undefined> {
    return this.read('read a definition', async (q) => {
      const r = await q.query<{ json: string }>(
        'SELECT json FROM definitions WHERE pipeline = $1 AND version = $2',
        [name, version],
      );
      return r.rows[0]?.json;
    });
  }

  async setActive(name: string, active: boolean): Promise<void> {
    await this.tx('set active', (q) =>
      q.query('UPDATE pipelines SET active = $1 WHERE name = $2', [active ? 1 : 0, name]),
    );
  }

  async forgetPipeline(name: string): Promise<{ runs: number; instances: number; attempts: number }> {
    return this.tx('forget a pipeline', async (q) => {
      const attempts = await q.query(
        'DELETE FROM attempts WHERE instance_id IN (SELECT id FROM instances WHERE pipeline = $1)',
        [name],
      );
      await q.query('DELETE FROM actions WHERE pipeline = $1', [name]);
      const instances = await q.query('DELETE FROM instances WHERE pipeline = $1', [name]);
      const runs = await q.query('DELETE FROM runs WHERE pipeline = $1', [name]);
      await q.query('DELETE FROM definitions WHERE pipeline = $1', [name]);
      await q.query('DELETE FROM pipelines WHERE name = $1', [name]);
      return {
        runs: runs.rowCount ?? 0,
        instances: instances.rowCount ?? 0,
        attempts: attempts.rowCount ?? 0,
      };
    });
  }

  // ---- runs -----------------------------------------------------------------------------------

  private async runningRuns(q: Q, pipeline: string): Promise<RunRow[]> {
    return (
      await q.query<RunRow>(
        "SELECT * FROM runs WHERE pipeline = $1 AND status = 'RUNNING' ORDER BY id DESC",
        [pipeline],
      )
    ).rows;
  }

  liveRun(pipeline: string, self: WorkerRef = localWorker()): Promise<RunRow | undefined> {
    return this.read('look for a live run', async (q) => {
      const now = this.now();
      return (await this.runningRuns(q, pipeline)).find((r) => runAlive(r, self, now));
    });
  }

  planRun(plan: RunPlan): Promise<PlannedRun> {
    return this.tx('plan the run', async (q) => {
      const now = this.now();
      // The pipeline's row lock serializes planners of one pipeline (two agents at the same moment).
      await q.query(
        `INSERT INTO pipelines (name, version, generation, first_activation, updated_at) VALUES ($1, 0, 1, $2, $2)
         ON CONFLICT (name) DO NOTHING`,
        [plan.pipeline, now],
      );
      await this.pipelineRow(q, plan.pipeline, true);
      const running = await this.runningRuns(q, plan.pipeline);
      const busy = plan.exclusive ? running.find((r) => runAlive(r, plan.worker, now)) : undefined;
      if (busy) return { busy };
      for (const r of running) {
        if (!runAlive(r, plan.worker, now))
          await q.query("UPDATE runs SET status = 'INTERRUPTED', ended_at = $1 WHERE id = $2", [now, r.id]);
      }
      const interrupted = plan.exclusive
        ? await this.interruptDangling(q, plan.pipeline, plan.worker, now)
        : [];
      const run = await q.query<{ id: number }>(
        `INSERT INTO runs (pipeline, version, kind, pid, started_at, status, worker_id, host)
         VALUES ($1, $2, $3, $4, $5, 'RUNNING', $6, $7) RETURNING id`,
        [plan.pipeline, plan.version, plan.kind, plan.worker.pid, now, plan.worker.id, plan.worker.host],
      );
      const runId = run.rows[0].id;
      await q.query('UPDATE pipelines SET generation = $1 WHERE name = $2 AND generation < $1', [
        plan.generation,
        plan.pipeline,
      ]);
      const instances: InstanceRow[] = [];
      for (const p of plan.instances) instances.push(await this.planInstance(q, plan, runId, p, now));
      return { runId, instances, interrupted };
    });
  }

  private async interruptDangling(
    q: Q,
    pipeline: string,
    self: WorkerRef,
    now: string,
  ): Promise<AttemptRow[]> {
    const gone = (
      await q.query<AttemptRow>(
        `SELECT a.* FROM attempts a JOIN instances i ON i.id = a.instance_id
         WHERE i.pipeline = $1 AND a.status = 'RUNNING' ORDER BY a.id`,
        [pipeline],
      )
    ).rows.filter((a) => onThisHost(a, self));
    for (const a of gone) {
      await q.query(
        `UPDATE attempts SET status = 'INTERRUPTED', ended_at = $1, exit_code = NULL, error = $2, rows = NULL
         WHERE id = $3`,
        [now, 'the run was interrupted (process ended)', a.id],
      );
      await q.query('UPDATE instances SET worker_id = NULL, lease_expires_at = NULL WHERE id = $1', [
        a.instance_id,
      ]);
    }
    return gone;
  }

  private async planInstance(
    q: Q,
    plan: RunPlan,
    runId: number,
    p: PlannedInstance,
    now: string,
  ): Promise<InstanceRow> {
    const params = [
      plan.pipeline,
      plan.generation,
      p.objectId,
      p.objectType,
      p.scheduledStart,
      p.scheduledEnd,
      runId,
      p.maxRetries,
      p.retryDelayMs,
    ];
    const insert = `INSERT INTO instances (pipeline, generation, object_id, object_type, scheduled_start,
      scheduled_end, status, run_id, max_retries, retry_delay_ms)
      VALUES ($1, $2, $3, $4, $5, $6, 'WAITING_ON_DEPENDENCIES', $7, $8, $9)
      ON CONFLICT (pipeline, generation, object_id, scheduled_start)`;
    // As in SQLite: never steal from a live lease, never undo a FINISHED instance.
    const r = p.take
      ? await q.query<InstanceRow>(
          `${insert} DO UPDATE SET status = 'WAITING_ON_DEPENDENCIES', run_id = excluded.run_id, error = NULL,
           ended_at = NULL, failures = 0, retry_at = NULL, worker_id = NULL, lease_expires_at = NULL,
           max_retries = excluded.max_retries, retry_delay_ms = excluded.retry_delay_ms
           WHERE instances.status <> 'FINISHED' AND (instances.status <> 'RUNNING'
             OR instances.lease_expires_at IS NULL OR instances.lease_expires_at <= $10)
           RETURNING *`,
          [...params, now],
        )
      : await q.query<InstanceRow>(`${insert} DO NOTHING RETURNING *`, params);
    if (r.rows[0]) return r.rows[0];
    return (
      await q.query<InstanceRow>(
        'SELECT * FROM instances WHERE pipeline = $1 AND generation = $2 AND object_id = $3 AND scheduled_start = $4',
        [plan.pipeline, plan.generation, p.objectId, p.scheduledStart],
      )
    ).rows[0];
  }

  async endRun(
    id: number,
    status: RunStatus,
    counts: { ok: number; failed: number; skipped: number },
  ): Promise<void> {
    await this.tx('end the run', (q) =>
      q.query(
        'UPDATE runs SET status = $1, ended_at = $2, ok = $3, failed = $4, skipped = $5, lease_expires_at = NULL WHERE id = $6',
        [status, this.now(), counts.ok, counts.failed, counts.skipped, id],
      ),
    );
  }

  runs(pipeline: string, limit = 50): Promise<RunRow[]> {
    return this.read(
      'read runs',
      async (q) =>
        (
          await q.query<RunRow>('SELECT * FROM runs WHERE pipeline = $1 ORDER BY id DESC LIMIT $2', [
            pipeline,
            limit,
          ])
        ).rows,
    );
  }

  // ---- instances ------------------------------------------------------------------------------

  instances(pipeline: string, generation: number): Promise<InstanceRow[]> {
    return this.read(
      'read instances',
      async (q) =>
        (
          await q.query<InstanceRow>(
            'SELECT * FROM instances WHERE pipeline = $1 AND generation = $2 ORDER BY scheduled_start, id',
            [pipeline, generation],
          )
        ).rows,
    );
  }

  instancesOfRun(runId: number): Promise<InstanceRow[]> {
    return this.read(
      'read instances',
      async (q) =>
        (
          await q.query<InstanceRow>(
            'SELECT * FROM instances WHERE run_id = $1 ORDER BY scheduled_start, id',
            [runId],
          )
        ).rows,
    );
  }

  async setInstanceStatus(
    ids: readonly number[],
    status: InstanceStatus,
    fields: { error?: string | null; rows?: number | null } = {},
  ): Promise<void> {
    if (ids.length === 0) return;
    const sets = ['status = $1', 'ended_at = CASE WHEN $2::boolean THEN $3 ELSE ended_at END'];
    const params: unknown[] = [status, TERMINAL.has(status), this.now(), [...ids]];
    if (fields.error !== undefined) sets.push(`error = $${params.push(fields.error)}`);
    if (fields.rows !== undefined) sets.push(`rows = $${params.push(fields.rows)}`);
    await this.tx('set instance status', (q) =>
      q.query(`UPDATE instances SET ${sets.join(', ')} WHERE id = ANY($4::int[])`, params),
    );
  }

  // ---- claims, leases, attempts ---------------------------------------------------------------

  claimInstance(claim: Claim): Promise<AttemptRow | undefined> {
    return this.tx('claim an instance', (q) => this.claimIn(q, claim));
  }

  private async claimIn(q: Q, claim: Claim): Promise<AttemptRow | undefined> {
    const now = this.now();
    const claimed = await q.query<{ attempts: number }>(
      `UPDATE instances SET status = 'RUNNING', run_id = $2, worker_id = $3, lease_expires_at = $4,
       retry_at = NULL, started_at = COALESCE(started_at, $5),
       attempts = (SELECT COUNT(*) FROM attempts WHERE instance_id = $1) + 1
       WHERE id = $1 AND status IN ('WAITING_ON_DEPENDENCIES', 'WAITING_FOR_RUNNER') RETURNING attempts`,
      [claim.instanceId, claim.runId, claim.worker.id, this.later(claim.leaseMs), now],
    );
    if (!claimed.rows[0]) return undefined;
    const r = await q.query<AttemptRow>(
      `INSERT INTO attempts (instance_id, run_id, number, started_at, status, log_path, worker_id, host)
       VALUES ($1, $2, $3, $4, 'RUNNING', $5, $6, $7) RETURNING *`,
      [
        claim.instanceId,
        claim.runId,
        claimed.rows[0].attempts,
        now,
        claim.logPath,
        claim.worker.id,
        claim.worker.host,
      ],
    );
    return r.rows[0];
  }

  heartbeat(worker: WorkerRef, leaseMs: number): Promise<number> {
    return this.tx('heartbeat', async (q) => {
      const lease = this.later(leaseMs);
      const held = await q.query(
        "UPDATE instances SET lease_expires_at = $1 WHERE worker_id = $2 AND status = 'RUNNING'",
        [lease, worker.id],
      );
      await q.query("UPDATE runs SET lease_expires_at = $1 WHERE worker_id = $2 AND status = 'RUNNING'", [
        lease,
        worker.id,
      ]);
      return held.rowCount ?? 0;
    });
  }

  async setAttemptPid(attemptId: number, pid: number | undefined): Promise<void> {
    await this.tx('record the step process', (q) =>
      q.query('UPDATE attempts SET pid = $1 WHERE id = $2', [pid ?? null, attemptId]),
    );
  }

  finishAttempt(attemptId: number, end: AttemptEnd, instance: InstanceUpdate): Promise<FinishedAttempt> {
    return this.tx('record the attempt', async (q) => {
      const now = this.now();
      const of = await q.query<{ instance_id: number }>('SELECT instance_id FROM attempts WHERE id = $1', [
        attemptId,
      ]);
      const instanceId = of.rows[0]?.instance_id;
      // The instance first (the order expireLeases locks in), then the attempt.
      if (instanceId !== undefined)
        await q.query('SELECT 1 FROM instances WHERE id = $1 FOR UPDATE', [instanceId]);
      const mine = await q.query(
        `UPDATE attempts SET status = $2, ended_at = $3, exit_code = $4, error = $5, rows = $6,
         pid = CASE WHEN $7::boolean THEN $8 ELSE pid END
         WHERE id = $1 AND status = 'RUNNING'`,
        [
          attemptId,
          end.status,
          now,
          end.exitCode ?? null,
          end.error ?? null,
          end.rows ?? null,
          end.pid !== undefined,
          end.pid ?? null,
        ],
      );
      if (mine.rowCount === 0) {
        const current = await q.query<InstanceRow>('SELECT * FROM instances WHERE id = $1', [instanceId]);
        return { owned: false, current: current.rows[0] };
      }
      const params: unknown[] = [instanceId, instance.status, TERMINAL.has(instance.status), now];
      const sets = [
        'status = $2',
        'ended_at = CASE WHEN $3::boolean THEN $4 ELSE ended_at END',
        'worker_id = NULL',
        'lease_expires_at = NULL',
      ];
      if (instance.error !== undefined) sets.push(`error = $${params.push(instance.error)}`);
      if (instance.rows !== undefined) sets.push(`rows = $${params.push(instance.rows)}`);
      if (instance.failures !== undefined) sets.push(`failures = $${params.push(instance.failures)}`);
      if (instance.retryAt !== undefined) sets.push(`retry_at = $${params.push(instance.retryAt)}`);
      await q.query(`UPDATE instances SET ${sets.join(', ')} WHERE id = $1`, params);
      return { owned: true };
    });
  }

  async expireLeases(pipeline?: string): Promise<ExpiredLease[]> {
    const find = async (q: Q, now: string, lock: boolean): Promise<InstanceRow[]> =>
      (
        await q.query<InstanceRow>(
          `SELECT * FROM instances WHERE status = 'RUNNING' AND lease_expires_at IS NOT NULL
           AND lease_expires_at <= $1 AND ($2::text IS NULL OR pipeline = $2) ORDER BY id
           ${lock ? 'FOR UPDATE SKIP LOCKED' : ''}`,
          [now, pipeline ?? null],
        )
      ).rows;
    if ((await this.read('look for expired leases', (q) => find(q, this.now(), false))).length === 0)
      return [];
    return this.tx('expire leases', async (q) => {
      const now = this.now();
      const out: ExpiredLease[] = [];
      // SKIP LOCKED: an instance whose attempt is being recorded right now is not expired under it.
      for (const i of await find(q, now, true)) out.push(await this.expire(q, i, now));
      return out;
    });
  }

  private async expire(q: Q, i: InstanceRow, now: string): Promise<ExpiredLease> {
    const error = `the worker ${i.worker_id ?? '?'} stopped reporting progress (its lease ran out at ${i.lease_expires_at})`;
    const attempt = await q.query<{ id: number }>(
      `UPDATE attempts SET status = 'TIMEDOUT', ended_at = $2, error = $3
       WHERE instance_id = $1 AND status = 'RUNNING' RETURNING id`,
      [i.id, now, error],
    );
    const failures = i.failures + 1;
    const retried = failures <= i.max_retries;
    const r = await q.query<InstanceRow>(
      `UPDATE instances SET status = $2, error = $3, failures = $4, worker_id = NULL,
       lease_expires_at = NULL, retry_at = $5, ended_at = CASE WHEN $6::boolean THEN ended_at ELSE $7 END
       WHERE id = $1 RETURNING *`,
      [
        i.id,
        retried ? 'WAITING_FOR_RUNNER' : 'FAILED',
        error,
        failures,
        retried ? new Date(Date.parse(now) + i.retry_delay_ms).toISOString() : null,
        retried,
        now,
      ],
    );
    return { instance: r.rows[0], attemptId: attempt.rows[0]?.id, retried };
  }

  attempts(instanceId: number): Promise<AttemptRow[]> {
    return this.read(
      'read attempts',
      async (q) =>
        (
          await q.query<AttemptRow>('SELECT * FROM attempts WHERE instance_id = $1 ORDER BY number', [
            instanceId,
          ])
        ).rows,
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
    return this.tx('record an action', async (q) => {
      const r = await q.query<ActionRow>(
        `INSERT INTO actions (at, actor, action, pipeline, instance_id, range_start, range_end, note)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
        [
          this.now(),
          a.actor,
          a.action,
          a.pipeline,
          a.instanceId ?? null,
          a.rangeStart ?? null,
          a.rangeEnd ?? null,
          a.note ?? null,
        ],
      );
      return r.rows[0];
    });
  }

  actions(filter: ActionFilter = {}): Promise<ActionRow[]> {
    return this.read(
      'read actions',
      async (q) =>
        (
          await q.query<ActionRow>(
            `SELECT * FROM actions WHERE ($1::text IS NULL OR pipeline = $1)
             AND ($2::int IS NULL OR instance_id = $2) ORDER BY id DESC LIMIT $3`,
            [filter.pipeline ?? null, filter.instanceId ?? null, filter.limit ?? 100],
          )
        ).rows,
    );
  }

  grid(g: GridQuery): Promise<GridCell[]> {
    return this.read('read the grid', async (q) => {
      const r = await q.query<GridCell>(
        `SELECT i.id AS instance_id, i.pipeline, i.object_id, i.object_type, i.scheduled_start, i.scheduled_end,
           i.status, i.attempts, i.rows, i.error, i.started_at, i.ended_at, i.worker_id,
           EXISTS (SELECT 1 FROM actions a WHERE a.instance_id = i.id AND a.action = 'acknowledge') AS acknowledged
         FROM pipelines p JOIN instances i ON i.pipeline = p.name AND i.generation = p.generation
         WHERE i.scheduled_start >= $1 AND i.scheduled_start < $2
           AND ($3::text[] IS NULL OR p.name = ANY($3::text[]))
           AND ($4::text[] IS NULL OR i.status = ANY($4::text[]))
         ORDER BY i.pipeline COLLATE "C", i.scheduled_start, i.object_id COLLATE "C" LIMIT $5`,
        [g.from, g.to, g.pipelines ?? null, g.statuses ?? null, g.limit ?? 10_000],
      );
      return r.rows;
    });
  }

  /** The UI grid counted here (issue 14), over the instances_grid index (migration 2). */
  gridCounts(g: Pick<GridQuery, 'from' | 'to'>): Promise<GridCount[]> {
    return this.read('count the grid', async (q) => {
      const r = await q.query<GridCount>(
        `SELECT i.pipeline, left(i.scheduled_start, 10) AS day, i.status,
           CASE WHEN i.status IN ('FAILED', 'TIMEDOUT', 'CASCADE_FAILED', 'CANCELED')
             THEN EXISTS (SELECT 1 FROM actions a WHERE a.instance_id = i.id AND a.action = 'acknowledge')
             ELSE false END AS acknowledged,
           COUNT(*)::int AS count
         FROM instances i JOIN pipelines p ON p.name = i.pipeline AND p.generation = i.generation
         WHERE i.scheduled_start >= $1 AND i.scheduled_start < $2
         GROUP BY 1, 2, 3, 4`,
        [g.from, g.to],
      );
      return r.rows;
    });
  }

  // ---- export and import (etlctl state export/import) ----------------------------------------

  /** Every row of one table, in id (or key) order. */
  async dumpTable(table: StateTable): Promise<Record<string, unknown>[]> {
    return this.read(
      `export ${table}`,
      async (q) => (await q.query(`SELECT * FROM ${table} ORDER BY 1, 2`)).rows,
    );
  }

  /** Load exported rows into an empty store, keeping ids (and moving the id sequences past them). */
  async loadTables(tables: Partial<Record<StateTable, Record<string, unknown>[]>>): Promise<void> {
    await this.tx('import', async (q) => {
      for (const table of STATE_TABLES) {
        for (const row of tables[table] ?? []) {
          const cols = Object.keys(row);
          await q.query(
            `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((_, k) => `$${k + 1}`).join(', ')})`,
            cols.map((c) => row[c]),
          );
        }
        if (table !== 'pipelines' && table !== 'definitions') {
          await q.query(
            `SELECT setval(pg_get_serial_sequence('${table}', 'id'), GREATEST((SELECT MAX(id) FROM ${table}), 1))`,
          );
        }
      }
    });
  }

  /** Rows in the store (an import goes only into an empty one). */
  async isEmpty(): Promise<boolean> {
    return this.read('count', async (q) => (await q.query('SELECT 1 FROM pipelines LIMIT 1')).rowCount === 0);
  }
}
