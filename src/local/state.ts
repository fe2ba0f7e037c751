/**
 * Run state in SQLite (`.etlctl/state.db`, DESIGN.md decision 10): pipelines and their definition
 * versions, runs (one per `activate`/agent pass), instances (one per object and scheduled period,
 * grouped in generations so a one-time pipeline can run again) and attempts.
 * Every status change is one short transaction, so a crash leaves a consistent picture to resume from.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { EtlError, ExitCode, diag } from '../diagnostics.js';

export type InstanceStatus =
  | 'WAITING_ON_DEPENDENCIES'
  | 'WAITING_FOR_RUNNER'
  | 'RUNNING'
  | 'FINISHED'
  | 'FAILED'
  | 'CASCADE_FAILED'
  | 'CANCELED'
  | 'TIMEDOUT'
  | 'SKIPPED';

export const TERMINAL: ReadonlySet<string> = new Set([
  'FINISHED',
  'FAILED',
  'CASCADE_FAILED',
  'CANCELED',
  'TIMEDOUT',
  'SKIPPED',
]);

export interface PipelineRow {
  name: string;
  active: number;
  version: number;
  generation: number;
  mode: string | null;
  config_path: string | null;
  source_file: string | null;
  cwd: string | null;
  first_activation: string | null;
  updated_at: string;
}

export interface RunRow {
  id: number;
  pipeline: string;
  version: number;
  kind: string;
  pid: number;
  started_at: string;
  ended_at: string | null;
  status: string;
  ok: number;
  failed: number;
  skipped: number;
}

export interface InstanceRow {
  id: number;
  pipeline: string;
  generation: number;
  object_id: string;
  object_type: string;
  scheduled_start: string;
  scheduled_end: string;
  status: InstanceStatus;
  run_id: number;
  attempts: number;
  rows: number | null;
  error: string | null;
  started_at: string | null;
  ended_at: string | null;
}

export interface AttemptRow {
  id: number;
  instance_id: number;
  run_id: number;
  number: number;
  pid: number | null;
  started_at: string;
  ended_at: string | null;
  status: string;
  exit_code: number | null;
  error: string | null;
  rows: number | null;
  log_path: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS pipelines (
  name TEXT PRIMARY KEY, active INTEGER NOT NULL DEFAULT 0, version INTEGER NOT NULL DEFAULT 0,
  generation INTEGER NOT NULL DEFAULT 1, mode TEXT, config_path TEXT, source_file TEXT, cwd TEXT,
  first_activation TEXT, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS definitions (
  pipeline TEXT NOT NULL, version INTEGER NOT NULL, sha256 TEXT NOT NULL, json TEXT NOT NULL,
  created_at TEXT NOT NULL, PRIMARY KEY (pipeline, version));
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT, pipeline TEXT NOT NULL, version INTEGER NOT NULL, kind TEXT NOT NULL,
  pid INTEGER NOT NULL, started_at TEXT NOT NULL, ended_at TEXT, status TEXT NOT NULL,
  ok INTEGER NOT NULL DEFAULT 0, failed INTEGER NOT NULL DEFAULT 0, skipped INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS instances (
  id INTEGER PRIMARY KEY AUTOINCREMENT, pipeline TEXT NOT NULL, generation INTEGER NOT NULL,
  object_id TEXT NOT NULL, object_type TEXT NOT NULL, scheduled_start TEXT NOT NULL, scheduled_end TEXT NOT NULL,
  status TEXT NOT NULL, run_id INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, rows INTEGER, error TEXT,
  started_at TEXT, ended_at TEXT,
  UNIQUE (pipeline, generation, object_id, scheduled_start));
CREATE TABLE IF NOT EXISTS attempts (
  id INTEGER PRIMARY KEY AUTOINCREMENT, instance_id INTEGER NOT NULL REFERENCES instances(id),
  run_id INTEGER NOT NULL, number INTEGER NOT NULL, pid INTEGER, started_at TEXT NOT NULL, ended_at TEXT,
  status TEXT NOT NULL, exit_code INTEGER, error TEXT, rows INTEGER, log_path TEXT);
CREATE INDEX IF NOT EXISTS instances_by_run ON instances(run_id);
CREATE INDEX IF NOT EXISTS attempts_by_instance ON attempts(instance_id);
`;

export function isoNow(): string {
  return new Date().toISOString();
}

export function pidAlive(pid: number | null | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class StateStore {
  readonly db: Database.Database;
  constructor(readonly stateDir: string) {
    mkdirSync(stateDir, { recursive: true });
    const file = join(stateDir, 'state.db');
    try {
      this.db = new Database(file);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('busy_timeout = 5000');
      this.db.exec(SCHEMA);
    } catch (e) {
      throw new EtlError(
        diag('ETL7510', `cannot open the local state database ${file}: ${(e as Error).message}`, {
          hint: 'check that the state directory is writable and not on a network file system',
        }),
        ExitCode.ENVIRONMENT,
      );
    }
  }

  close(): void {
    this.db.close();
  }

  tx<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  pipeline(name: string): PipelineRow | undefined {
    return this.db.prepare('SELECT * FROM pipelines WHERE name = ?').get(name) as PipelineRow | undefined;
  }

  pipelines(): PipelineRow[] {
    return this.db.prepare('SELECT * FROM pipelines ORDER BY name').all() as PipelineRow[];
  }

  /** Store the definition; a new version only when its JSON changed. Returns the pipeline row. */
  saveDefinition(
    name: string,
    json: string,
    info: { mode?: string; configPath?: string; sourceFile?: string; cwd?: string; active?: boolean },
  ): PipelineRow {
    const sha = createHash('sha256').update(json).digest('hex');
    return this.tx(() => {
      const now = isoNow();
      let row = this.pipeline(name);
      if (!row) {
        this.db
          .prepare(
            'INSERT INTO pipelines (name, version, generation, first_activation, updated_at) VALUES (?, 0, 1, ?, ?)',
          )
          .run(name, now, now);
        row = this.pipeline(name)!;
      }
      const last = this.db
        .prepare('SELECT sha256 FROM definitions WHERE pipeline = ? AND version = ?')
        .get(name, row.version) as { sha256: string } | undefined;
      let version = row.version;
      if (!last || last.sha256 !== sha) {
        version += 1;
        this.db
          .prepare(
            'INSERT INTO definitions (pipeline, version, sha256, json, created_at) VALUES (?, ?, ?, ?, ?)',
          )
          .run(name, version, sha, json, now);
      }
      this.db
        .prepare(
          `UPDATE pipelines SET version = ?, mode = ?, config_path = ?, source_file = ?, cwd = ?,
           active = COALESCE(?, active), updated_at = ? WHERE name = ?`,
        )
        .run(
          version,
          info.mode ?? null,
          info.configPath ?? null,
          info.sourceFile ?? null,
          info.cwd ?? null,
          info.active === undefined ? null : info.active ? 1 : 0,
          now,
          name,
        );
      return this.pipeline(name)!;
    });
  }

  definitionJson(name: string, version: number): string | undefined {
    const r = this.db
      .prepare('SELECT json FROM definitions WHERE pipeline = ? AND version = ?')
      .get(name, version) as { json: string } | undefined;
    return r?.json;
  }

  setGeneration(name: string, generation: number): void {
    this.db.prepare('UPDATE pipelines SET generation = ? WHERE name = ?').run(generation, name);
  }

  setActive(name: string, active: boolean): void {
    this.db.prepare('UPDATE pipelines SET active = ? WHERE name = ?').run(active ? 1 : 0, name);
  }

  /** A run of this pipeline in another live process (another activate, or the agent). */
  liveRun(pipeline: string): RunRow | undefined {
    const rows = this.db
      .prepare("SELECT * FROM runs WHERE pipeline = ? AND status = 'RUNNING' ORDER BY id DESC")
      .all(pipeline) as RunRow[];
    return rows.find((r) => r.pid !== process.pid && pidAlive(r.pid));
  }

  startRun(pipeline: string, version: number, kind: string): number {
    return this.tx(() => {
      // Runs left RUNNING by a dead process were interrupted; close them so history reads right.
      const stale = this.db
        .prepare("SELECT id, pid FROM runs WHERE pipeline = ? AND status = 'RUNNING'")
        .all(pipeline) as { id: number; pid: number }[];
      for (const s of stale) {
        if (!pidAlive(s.pid) || s.pid === process.pid) {
          this.db
            .prepare("UPDATE runs SET status = 'INTERRUPTED', ended_at = ? WHERE id = ?")
            .run(isoNow(), s.id);
        }
      }
      const r = this.db
        .prepare(
          "INSERT INTO runs (pipeline, version, kind, pid, started_at, status) VALUES (?, ?, ?, ?, ?, 'RUNNING')",
        )
        .run(pipeline, version, kind, process.pid, isoNow());
      return Number(r.lastInsertRowid);
    });
  }

  endRun(id: number, status: string, counts: { ok: number; failed: number; skipped: number }): void {
    this.db
      .prepare('UPDATE runs SET status = ?, ended_at = ?, ok = ?, failed = ?, skipped = ? WHERE id = ?')
      .run(status, isoNow(), counts.ok, counts.failed, counts.skipped, id);
  }

  runs(pipeline: string, limit = 50): RunRow[] {
    return this.db
      .prepare('SELECT * FROM runs WHERE pipeline = ? ORDER BY id DESC LIMIT ?')
      .all(pipeline, limit) as RunRow[];
  }

  instances(pipeline: string, generation: number): InstanceRow[] {
    return this.db
      .prepare('SELECT * FROM instances WHERE pipeline = ? AND generation = ? ORDER BY scheduled_start, id')
      .all(pipeline, generation) as InstanceRow[];
  }

  instancesOfRun(runId: number): InstanceRow[] {
    return this.db
      .prepare('SELECT * FROM instances WHERE run_id = ? ORDER BY scheduled_start, id')
      .all(runId) as InstanceRow[];
  }

  latestInstances(pipeline: string, limit = 200): InstanceRow[] {
    return this.db
      .prepare('SELECT * FROM instances WHERE pipeline = ? ORDER BY scheduled_start DESC, id DESC LIMIT ?')
      .all(pipeline, limit) as InstanceRow[];
  }

  upsertInstance(
    pipeline: string,
    generation: number,
    objectId: string,
    objectType: string,
    start: string,
    end: string,
    runId: number,
  ): InstanceRow {
    this.db
      .prepare(
        `INSERT INTO instances (pipeline, generation, object_id, object_type, scheduled_start, scheduled_end, status, run_id)
         VALUES (?, ?, ?, ?, ?, ?, 'WAITING_ON_DEPENDENCIES', ?)
         ON CONFLICT (pipeline, generation, object_id, scheduled_start) DO NOTHING`,
      )
      .run(pipeline, generation, objectId, objectType, start, end, runId);
    return this.db
      .prepare(
        'SELECT * FROM instances WHERE pipeline = ? AND generation = ? AND object_id = ? AND scheduled_start = ?',
      )
      .get(pipeline, generation, objectId, start) as InstanceRow;
  }

  setInstance(
    id: number,
    fields: Partial<
      Pick<InstanceRow, 'status' | 'run_id' | 'rows' | 'error' | 'started_at' | 'ended_at' | 'attempts'>
    >,
  ): void {
    const keys = Object.keys(fields);
    if (keys.length === 0) return;
    const sql = `UPDATE instances SET ${keys.map((k) => `${k} = @${k}`).join(', ')} WHERE id = @id`;
    this.db.prepare(sql).run({ ...fields, id });
  }

  startAttempt(instanceId: number, runId: number, logPath: string): AttemptRow {
    return this.tx(() => {
      const n = this.db
        .prepare('SELECT COUNT(*) AS n FROM attempts WHERE instance_id = ?')
        .get(instanceId) as { n: number };
      const now = isoNow();
      const r = this.db
        .prepare(
          "INSERT INTO attempts (instance_id, run_id, number, started_at, status, log_path) VALUES (?, ?, ?, ?, 'RUNNING', ?)",
        )
        .run(instanceId, runId, n.n + 1, now, logPath);
      this.db
        .prepare(
          "UPDATE instances SET status = 'RUNNING', run_id = ?, attempts = ?, started_at = COALESCE(started_at, ?) WHERE id = ?",
        )
        .run(runId, n.n + 1, now, instanceId);
      return this.db
        .prepare('SELECT * FROM attempts WHERE id = ?')
        .get(Number(r.lastInsertRowid)) as AttemptRow;
    });
  }

  setAttemptPid(id: number, pid: number | undefined): void {
    this.db.prepare('UPDATE attempts SET pid = ? WHERE id = ?').run(pid ?? null, id);
  }

  endAttempt(
    id: number,
    result: { status: string; exitCode?: number | null; error?: string | null; rows?: number | null },
  ): void {
    this.db
      .prepare(
        'UPDATE attempts SET status = ?, ended_at = ?, exit_code = ?, error = ?, rows = ? WHERE id = ?',
      )
      .run(result.status, isoNow(), result.exitCode ?? null, result.error ?? null, result.rows ?? null, id);
  }

  attempts(instanceId: number): AttemptRow[] {
    return this.db
      .prepare('SELECT * FROM attempts WHERE instance_id = ? ORDER BY number')
      .all(instanceId) as AttemptRow[];
  }

  /** Attempts left RUNNING by a process that died (SIGKILL, power loss). */
  danglingAttempts(pipeline: string): AttemptRow[] {
    return this.db
      .prepare(
        `SELECT a.* FROM attempts a JOIN instances i ON i.id = a.instance_id
         WHERE i.pipeline = ? AND a.status = 'RUNNING'`,
      )
      .all(pipeline) as AttemptRow[];
  }
}
