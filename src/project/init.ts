/**
 * `etlctl init [DIR]`: a new project that runs at once — a config with a `local` mode (embedded
 * databases, nothing to install) and an `integration` mode (the same pipelines against a local
 * PostgreSQL), one example pipeline with its table and seed data, the editor schemas and a
 * .gitignore. Existing files are never overwritten: they are reported as kept.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { diag, EtlError, ExitCode } from '../diagnostics/index.js';
import { editorSchemaFiles } from './editor-schema.js';

export interface InitFile {
  /** Path relative to the project folder. */
  path: string;
  /** `written`, or `kept` when a file of that name was already there. */
  status: 'written' | 'kept';
}

export interface InitResult {
  dir: string;
  files: InitFile[];
  /** Commands to try next, in order. */
  next: string[];
}

const CONFIG = `# yaml-language-server: $schema=etlctl.schema.json
# etlctl config: shared settings, named database connections and per-environment modes.
# Layering: built-in defaults < this file < mode (-m NAME) < ETLCTL_* env < command-line flags.
# \`etlctl config explain [KEY] -m MODE\` shows every value and where it came from.
target: local                     # run on the local engine; a mode with target: aws deploys

defaults:
  warehouse: warehouse            # database used by load/upsert/sql/qa steps that name none
  resource_base_path: ../pipelines
  max_retries: 1
  retry_delay: 2 Minutes            # the shortest AWS allows (locally: activate --retry-delay 0s)

databases:
  app_db:                         # the application database the example reads
    engine: postgres
    database: app
    user: etl_reader
    password: \${env:APP_DB_PASSWORD}  # supplied at activation on AWS; unused by embedded databases
    seed: seed/app_db.sql         # loaded into the embedded database on first use
  warehouse:                      # the warehouse the example loads
    engine: redshift
    database: analytics
    user: etl
    password: \${env:WAREHOUSE_PASSWORD}

modes:
  local:                          # embedded PGlite databases under .etlctl/, no server needed
    target: local
  integration:                    # the same pipelines against a PostgreSQL server
    target: local
    databases:
      app_db:
        url: postgres://postgres@127.0.0.1:5432/postgres
      warehouse:
        url: postgres://postgres@127.0.0.1:5432/postgres
`;

const SEED = `-- Demo data for the embedded app_db (local mode).
CREATE TABLE IF NOT EXISTS orders (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL,
  amount DECIMAL(10,2) NOT NULL,
  ordered_at TIMESTAMP NOT NULL
);
INSERT INTO orders (id, customer_id, amount, ordered_at) VALUES
  (1, 11, 19.90, '2026-01-03 09:15:00'),
  (2, 12, 5.00, '2026-01-04 10:00:00'),
  (3, 11, 42.50, '2026-01-05 11:30:00');
`;

const TABLE = `-- The orders, reloaded on every run.
CREATE TABLE staging.orders (
  id INTEGER NOT NULL,
  customer_id INTEGER NOT NULL,
  amount DECIMAL(10,2) NOT NULL,
  ordered_at TIMESTAMP NOT NULL,
  PRIMARY KEY (id)
);
`;

const PIPELINE = `# yaml-language-server: $schema=../config/pipeline.schema.json
# Copy the app's orders into the warehouse, then check them.
# Try: etlctl pipeline validate pipelines && etlctl pipeline activate pipelines/orders.yaml
name: orders
frequency: one-time               # or daily, hourly, N-hours, weekly … (README "A pipeline")

steps:
  - step_type: extract-rds        # app database → TSV
    name: extract_orders
    host_name: app_db
    sql: SELECT id, customer_id, amount, ordered_at FROM orders

  - step_type: create-load-redshift   # create the table if missing, load the previous step's data
    name: load_orders
    table_definition: tables/staging.orders.sql

  - step_type: qa-check
    name: check_orders
    table_definition: tables/staging.orders.sql
    checks:
      - check: primary-key
      - check: not-null
        columns: [customer_id, amount]
`;

const GITIGNORE = `# etlctl's local state: run history, logs, embedded databases, local S3
.etlctl/
`;

function projectFiles(): { path: string; text: string }[] {
  return [
    { path: 'config/etlctl.yaml', text: CONFIG },
    ...editorSchemaFiles().map((f) => ({ path: `config/${f.name}`, text: f.text })),
    { path: 'config/seed/app_db.sql', text: SEED },
    { path: 'pipelines/orders.yaml', text: PIPELINE },
    { path: 'pipelines/tables/staging.orders.sql', text: TABLE },
    { path: '.gitignore', text: GITIGNORE },
  ];
}

export function initProject(dirArg: string, cwd = process.cwd()): InitResult {
  const dir = resolve(cwd, dirArg);
  for (const c of ['config/etlctl.yaml', 'etlctl.yaml'])
    if (existsSync(join(dir, c)))
      throw new EtlError(
        diag('ETL1500', `${join(dirArg, c)} exists: ${dirArg} is already an etlctl project`, {
          hint: 'run etlctl in it, or name another folder: etlctl init NEW_FOLDER',
        }),
        ExitCode.USAGE,
      );
  const files: InitFile[] = [];
  for (const f of projectFiles()) {
    const abs = join(dir, f.path);
    if (existsSync(abs)) {
      files.push({ path: f.path, status: 'kept' });
      continue;
    }
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, f.text);
    files.push({ path: f.path, status: 'written' });
  }
  const cd = dir === resolve(cwd) ? [] : [`cd ${dirArg}`];
  return {
    dir,
    files,
    next: [...cd, 'etlctl pipeline validate pipelines', 'etlctl pipeline activate pipelines/orders.yaml'],
  };
}
