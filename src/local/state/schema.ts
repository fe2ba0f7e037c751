/**
 * The SQLite state database's schema as numbered migrations, recorded in `schema_version`.
 * Version 1 is the schema etlctl wrote before versions were recorded (every statement is
 * `IF NOT EXISTS`, so it also adopts a state.db from that release unchanged); later versions only
 * add nullable or defaulted columns, tables and indexes, so an older etlctl still reads and
 * writes a migrated file.
 */

export const MIGRATIONS: readonly string[] = [
  // 1: pipelines, definition versions, runs, instances, attempts (the first release).
  `
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
`,
  // 2: workers and leases (many agents), retry policy on the instance, actions, grid indexes.
  `
ALTER TABLE runs ADD COLUMN worker_id TEXT;
ALTER TABLE runs ADD COLUMN host TEXT;
ALTER TABLE runs ADD COLUMN lease_expires_at TEXT;
ALTER TABLE instances ADD COLUMN worker_id TEXT;
ALTER TABLE instances ADD COLUMN lease_expires_at TEXT;
ALTER TABLE instances ADD COLUMN max_retries INTEGER NOT NULL DEFAULT 0;
ALTER TABLE instances ADD COLUMN retry_delay_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE instances ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE instances ADD COLUMN retry_at TEXT;
ALTER TABLE attempts ADD COLUMN worker_id TEXT;
ALTER TABLE attempts ADD COLUMN host TEXT;
CREATE TABLE actions (
  id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
  pipeline TEXT NOT NULL, instance_id INTEGER REFERENCES instances(id), range_start TEXT, range_end TEXT,
  note TEXT);
CREATE INDEX actions_by_pipeline ON actions(pipeline, at);
CREATE INDEX actions_by_instance ON actions(instance_id) WHERE instance_id IS NOT NULL;
CREATE INDEX instances_by_schedule ON instances(pipeline, generation, scheduled_start);
CREATE INDEX instances_by_start ON instances(scheduled_start);
CREATE INDEX instances_by_worker ON instances(worker_id) WHERE worker_id IS NOT NULL;
CREATE INDEX instances_leased ON instances(lease_expires_at) WHERE status = 'RUNNING';
CREATE INDEX attempts_running ON attempts(instance_id) WHERE status = 'RUNNING';
CREATE INDEX runs_by_pipeline ON runs(pipeline, status);
`,
  // 3: the UI's grid (issue 14): counts per pipeline × day read from an index alone, and each
  // pipeline's latest run without sorting its history. IF NOT EXISTS: safe to renumber on merge.
  `
CREATE INDEX IF NOT EXISTS instances_grid ON instances(scheduled_start, pipeline, generation, status);
CREATE INDEX IF NOT EXISTS runs_latest ON runs(pipeline, id);
`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
