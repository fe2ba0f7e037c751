/**
 * The PostgreSQL state store's schema as numbered migrations, in a schema of its own (default
 * `etlctl`, `?schema=NAME` in `local.state_url`), recorded in `<schema>.schema_version`. The
 * columns mirror the SQLite store's (timestamps are ISO 8601 text, flags and counters are
 * integers) so rows read the same from either store and `etlctl state export/import` moves them
 * unchanged. Migrations run under a transaction-scoped advisory lock: two agents starting at once
 * migrate once.
 */

export const PG_MIGRATIONS: readonly string[] = [
  // 1: everything the SQLite store has at its version 2.
  `
CREATE TABLE pipelines (
  name TEXT PRIMARY KEY, active INTEGER NOT NULL DEFAULT 0, version INTEGER NOT NULL DEFAULT 0,
  generation INTEGER NOT NULL DEFAULT 1, mode TEXT, config_path TEXT, source_file TEXT, cwd TEXT,
  first_activation TEXT, updated_at TEXT NOT NULL);
CREATE TABLE definitions (
  pipeline TEXT NOT NULL, version INTEGER NOT NULL, sha256 TEXT NOT NULL, json TEXT NOT NULL,
  created_at TEXT NOT NULL, PRIMARY KEY (pipeline, version));
CREATE TABLE runs (
  id SERIAL PRIMARY KEY, pipeline TEXT NOT NULL, version INTEGER NOT NULL, kind TEXT NOT NULL,
  pid INTEGER NOT NULL, started_at TEXT NOT NULL, ended_at TEXT, status TEXT NOT NULL,
  ok INTEGER NOT NULL DEFAULT 0, failed INTEGER NOT NULL DEFAULT 0, skipped INTEGER NOT NULL DEFAULT 0,
  worker_id TEXT, host TEXT, lease_expires_at TEXT);
CREATE TABLE instances (
  id SERIAL PRIMARY KEY, pipeline TEXT NOT NULL, generation INTEGER NOT NULL,
  object_id TEXT NOT NULL, object_type TEXT NOT NULL, scheduled_start TEXT NOT NULL, scheduled_end TEXT NOT NULL,
  status TEXT NOT NULL, run_id INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, rows INTEGER, error TEXT,
  started_at TEXT, ended_at TEXT, worker_id TEXT, lease_expires_at TEXT,
  max_retries INTEGER NOT NULL DEFAULT 0, retry_delay_ms INTEGER NOT NULL DEFAULT 0,
  failures INTEGER NOT NULL DEFAULT 0, retry_at TEXT,
  UNIQUE (pipeline, generation, object_id, scheduled_start));
CREATE TABLE attempts (
  id SERIAL PRIMARY KEY, instance_id INTEGER NOT NULL REFERENCES instances(id),
  run_id INTEGER NOT NULL, number INTEGER NOT NULL, pid INTEGER, started_at TEXT NOT NULL, ended_at TEXT,
  status TEXT NOT NULL, exit_code INTEGER, error TEXT, rows INTEGER, log_path TEXT, worker_id TEXT, host TEXT);
CREATE TABLE actions (
  id SERIAL PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
  pipeline TEXT NOT NULL, instance_id INTEGER REFERENCES instances(id), range_start TEXT, range_end TEXT,
  note TEXT);
CREATE INDEX instances_by_run ON instances(run_id);
CREATE INDEX attempts_by_instance ON attempts(instance_id);
CREATE INDEX actions_by_pipeline ON actions(pipeline, at);
CREATE INDEX actions_by_instance ON actions(instance_id) WHERE instance_id IS NOT NULL;
CREATE INDEX instances_by_schedule ON instances(pipeline, generation, scheduled_start);
CREATE INDEX instances_by_start ON instances(scheduled_start);
CREATE INDEX instances_by_worker ON instances(worker_id) WHERE worker_id IS NOT NULL;
CREATE INDEX instances_leased ON instances(lease_expires_at) WHERE status = 'RUNNING';
CREATE INDEX attempts_running ON attempts(instance_id) WHERE status = 'RUNNING';
CREATE INDEX runs_by_pipeline ON runs(pipeline, status);
`,
  // 2 (issue 14): the UI's grid counted from an index alone, and a pipeline's latest run without a
  // sort (as SQLite's migration 3). IF NOT EXISTS: safe to renumber on merge.
  `
CREATE INDEX IF NOT EXISTS instances_grid ON instances(scheduled_start, pipeline, generation, status);
CREATE INDEX IF NOT EXISTS runs_latest ON runs(pipeline, id);
`,
];

export const PG_SCHEMA_VERSION = PG_MIGRATIONS.length;

/** The tables `etlctl state export/import` move, parents first. */
export const STATE_TABLES = ['pipelines', 'definitions', 'runs', 'instances', 'attempts', 'actions'] as const;
export type StateTable = (typeof STATE_TABLES)[number];
