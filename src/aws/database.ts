/**
 * `etlctl database create|drop|recreate|grant`: DDL from table definition files in dependency
 * order (Dataduct's `database` commands, reference/dataduct.md §1), printed, and with --execute run
 * on Redshift through the Redshift Data API (BatchExecuteStatement + DescribeStatement polling).
 */
import { readFile } from 'node:fs/promises';
import type { DatabaseConfig, Permission, ResolvedConfig } from '../config/types.js';
import type { TableDef } from '../compile/table-definition.js';
import { parseTableDefinition } from '../compile/table-definition.js';
import type { Diagnostic } from '../diagnostics.js';
import { diag, EtlError, ExitCode } from '../diagnostics.js';
import type { AwsClients } from './clients.js';
import { awsCall } from './errors.js';

export type DatabaseAction = 'create' | 'drop' | 'recreate' | 'grant';

export async function loadTableDefinitions(
  files: readonly string[],
): Promise<{ tables: TableDef[]; diagnostics: Diagnostic[]; sources: Map<string, string> }> {
  const tables: TableDef[] = [];
  const diagnostics: Diagnostic[] = [];
  const sources = new Map<string, string>();
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      throw new EtlError(
        diag('ETL8003', `table definition file not found: ${file}`, { file }),
        ExitCode.USAGE,
      );
    }
    sources.set(file, text);
    const parsed = parseTableDefinition(text, file);
    diagnostics.push(...parsed.diagnostics);
    if (parsed.table) tables.push(parsed.table);
  }
  return { tables, diagnostics, sources };
}

function key(name: string): string {
  return name.toLowerCase();
}

/**
 * Order tables so each comes after the tables and views it references (FK REFERENCES, view
 * FROM/JOIN). References outside the given set are assumed to exist already. Ties keep the order
 * of the files on the command line. A cycle is an error naming the tables in it.
 */
export function orderTables(tables: readonly TableDef[]): TableDef[] {
  const byName = new Map<string, TableDef>();
  for (const t of tables) {
    byName.set(key(t.fullName), t);
    // A reference without schema may name a table given with one, and the other way round.
    if (!byName.has(key(t.name))) byName.set(key(t.name), t);
  }
  const resolveRef = (r: string): TableDef | undefined =>
    byName.get(key(r)) ?? byName.get(key(r.split('.').pop() ?? r));
  const ordered: TableDef[] = [];
  const state = new Map<TableDef, 'visiting' | 'done'>();
  const visit = (t: TableDef, path: TableDef[]): void => {
    const s = state.get(t);
    if (s === 'done') return;
    if (s === 'visiting') {
      const cycle = [...path.slice(path.indexOf(t)), t].map((x) => x.fullName).join(' -> ');
      throw new EtlError(
        diag('ETL6202', `table definitions reference each other in a cycle: ${cycle}`),
        ExitCode.FAILURE,
      );
    }
    state.set(t, 'visiting');
    for (const r of t.references) {
      const dep = resolveRef(r);
      if (dep && dep !== t) visit(dep, [...path, t]);
    }
    state.set(t, 'done');
    ordered.push(t);
  };
  for (const t of tables) visit(t, []);
  return ordered;
}

function grants(t: TableDef, permissions: readonly Permission[]): string[] {
  return permissions.flatMap((p) => {
    const grantee = p.group ? `GROUP ${p.group}` : p.user;
    return grantee ? [`GRANT ${p.permission} ON ${t.fullName} TO ${grantee}`] : [];
  });
}

function dropStatement(t: TableDef): string {
  return `DROP ${t.isView ? 'VIEW' : 'TABLE'} IF EXISTS ${t.fullName} CASCADE`;
}

/** The statements for an action, without trailing semicolons, in the order they must run. */
export function databaseStatements(
  action: DatabaseAction,
  tables: readonly TableDef[],
  permissions: readonly Permission[],
): string[] {
  const ordered = orderTables(tables);
  // COMMENT ON statements in the file put its descriptions into the database with the table.
  const create = ordered.flatMap((t) => [
    t.sql.trim().replace(/;+\s*$/, ''),
    ...t.comments,
    ...grants(t, permissions),
  ]);
  const drop = [...ordered].reverse().map(dropStatement);
  switch (action) {
    case 'create':
      return create;
    case 'drop':
      return drop;
    case 'grant':
      return ordered.flatMap((t) => grants(t, permissions));
    case 'recreate':
      return [...drop, ...create];
  }
}

export function formatScript(statements: readonly string[]): string {
  return statements.map((s) => `${s};`).join('\n\n');
}

export interface RedshiftTarget {
  name: string;
  clusterId?: string;
  workgroupName?: string;
  secretArn?: string;
  database: string;
  user?: string;
}

/** The Redshift connection to run DDL on: `--connection`, else defaults.warehouse, else the only redshift database. */
export function redshiftTarget(config: ResolvedConfig, name?: string): RedshiftTarget {
  const redshifts = Object.entries(config.databases).filter(([, d]) => d.engine === 'redshift');
  const chosen = name ?? config.defaults.warehouse ?? (redshifts.length === 1 ? redshifts[0][0] : undefined);
  if (!chosen) {
    throw new EtlError(
      diag(
        'ETL8120',
        redshifts.length === 0
          ? 'no redshift database is configured'
          : 'several redshift databases are configured',
        {
          hint:
            redshifts.length === 0
              ? 'add one under databases: with engine: redshift and cluster_id'
              : `pick one with --connection (${redshifts.map(([n]) => n).join(', ')})`,
        },
      ),
      ExitCode.USAGE,
    );
  }
  const db: DatabaseConfig | undefined = config.databases[chosen];
  if (!db) throw new EtlError(diag('ETL8121', `database '${chosen}' is not in the config`), ExitCode.USAGE);
  if (db.engine !== 'redshift') {
    throw new EtlError(
      diag('ETL8122', `database '${chosen}' is ${db.engine}; --execute runs on Redshift only`),
      ExitCode.USAGE,
    );
  }
  const extra = (k: string): string | undefined => {
    const v = config.values.get(`databases.${chosen}.${k}`)?.value;
    return typeof v === 'string' ? v : undefined;
  };
  const workgroupName = extra('workgroup_name') ?? extra('workgroup');
  const secretArn = extra('secret_arn');
  if (!db.clusterId && !workgroupName) {
    throw new EtlError(
      diag('ETL8123', `database '${chosen}' has no cluster_id (or workgroup_name) for the Redshift Data API`),
      ExitCode.USAGE,
    );
  }
  if (!db.database)
    throw new EtlError(diag('ETL8123', `database '${chosen}' has no database name`), ExitCode.USAGE);
  return {
    name: chosen,
    clusterId: db.clusterId,
    workgroupName,
    secretArn,
    database: db.database,
    user: db.user,
  };
}

/** Where a Data API statement runs: database, cluster or serverless workgroup, and the credentials. */
function connectionParams(target: RedshiftTarget): {
  Database: string;
  ClusterIdentifier?: string;
  WorkgroupName?: string;
  SecretArn?: string;
  DbUser?: string;
} {
  return {
    Database: target.database,
    ...(target.clusterId ? { ClusterIdentifier: target.clusterId } : {}),
    ...(target.workgroupName ? { WorkgroupName: target.workgroupName } : {}),
    ...(target.secretArn
      ? { SecretArn: target.secretArn }
      : target.clusterId && target.user
        ? { DbUser: target.user }
        : {}),
  };
}

/** The Data API allows at most 40 statements per batch. */
const BATCH_LIMIT = 40;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface ExecuteOptions {
  pollMs?: number;
  /** Give up polling after this long (the statement keeps running on the cluster). */
  timeoutMs?: number;
}

/** Run statements in order as transactions of ≤40; the first failure stops with the failing statement. */
export async function executeOnRedshift(
  clients: AwsClients,
  target: RedshiftTarget,
  statements: readonly string[],
  opts: ExecuteOptions = {},
): Promise<{ batches: number; statements: number }> {
  const { BatchExecuteStatementCommand, DescribeStatementCommand } =
    await import('@aws-sdk/client-redshift-data');
  const rsd = await clients.redshiftData();
  let batches = 0;
  for (let i = 0; i < statements.length; i += BATCH_LIMIT) {
    const sqls = statements.slice(i, i + BATCH_LIMIT);
    const started = await awsCall('Redshift BatchExecuteStatement', () =>
      rsd.send(
        new BatchExecuteStatementCommand({
          Sqls: sqls,
          ...connectionParams(target),
          StatementName: 'etlctl database',
        }),
      ),
    );
    batches++;
    const id = started.Id ?? '';
    const deadline = Date.now() + (opts.timeoutMs ?? 15 * 60_000);
    let pollMs = opts.pollMs ?? 250;
    for (;;) {
      const st = await awsCall('Redshift DescribeStatement', () =>
        rsd.send(new DescribeStatementCommand({ Id: id })),
      );
      if (st.Status === 'FINISHED') break;
      if (st.Status === 'FAILED' || st.Status === 'ABORTED') {
        const failed = st.SubStatements?.find((s) => s.Status === 'FAILED');
        const sql = failed?.QueryString ?? sqls[0];
        const error = failed?.Error ?? st.Error ?? st.Status;
        throw new EtlError(
          diag('ETL6201', `Redshift statement failed: ${error.split('\n')[0]}`, {
            hint: `statement: ${sql.replace(/\s+/g, ' ').slice(0, 300)}${i > 0 || batches > 1 ? ' (earlier batches were committed)' : ''}; the batch was rolled back`,
          }),
          ExitCode.FAILURE,
        );
      }
      if (Date.now() > deadline) {
        throw new EtlError(
          diag('ETL8126', `Redshift statement ${id} still ${st.Status} after the timeout`),
          ExitCode.ENVIRONMENT,
        );
      }
      await sleep(pollMs);
      pollMs = Math.min(pollMs * 2, 2000);
    }
  }
  return { batches, statements: statements.length };
}

// ---- local databases (issue 16) --------------------------------------------------------------
//
// `database create|drop|recreate --execute` runs where `pipeline activate` would load the data:
// for a mode whose target is local, or a connection with a `url:` for the mode, that is the
// connection's local database (PostgreSQL, MySQL/MariaDB, or the embedded PGlite database under
// the state directory); for AWS modes it is Redshift through the Data API, as before.

export interface LocalTarget {
  name: string;
  url: string;
  seedSql?: string;
}

export type DdlTarget =
  { kind: 'redshift'; redshift: RedshiftTarget } | { kind: 'local'; local: LocalTarget };

export async function ddlTarget(
  config: ResolvedConfig,
  name?: string,
  cwd = process.cwd(),
): Promise<DdlTarget> {
  const chosen =
    name ??
    config.defaults.warehouse ??
    (() => {
      const rs = Object.entries(config.databases).filter(([, d]) => d.engine === 'redshift');
      return rs.length === 1 ? rs[0][0] : undefined;
    })();
  const db = chosen ? config.databases[chosen] : undefined;
  if (!chosen || !db || !(config.target === 'local' || db.url))
    return { kind: 'redshift', redshift: redshiftTarget(config, name) };
  const { localDatabaseUrl } = await import('../local/drivers/index.js');
  const { withPassword } = await import('../local/connections.js');
  const { readFileSync } = await import('node:fs');
  const { resolve } = await import('node:path');
  const stateDir = resolve(cwd, process.env.ETLCTL_STATE_DIR_OVERRIDE || config.local.stateDir);
  let seedSql: string | undefined;
  if (db.seed && !db.url) {
    try {
      seedSql = readFileSync(db.seed, 'utf8');
    } catch {
      // The engine reports an unreadable seed when it runs; DDL does not need it.
    }
  }
  return {
    kind: 'local',
    local: {
      name: chosen,
      url: db.url ? withPassword(db.url, db, config) : localDatabaseUrl(stateDir, chosen),
      ...(seedSql ? { seedSql } : {}),
    },
  };
}

/**
 * MySQL has no COMMENT ON: the descriptions of a table's COMMENT ON statements go inline into its
 * CREATE TABLE instead (`col TYPE … COMMENT '…'`, `) COMMENT='…'`).
 */
export function withInlineComments(t: TableDef): string {
  const { columns, table } = t.commentOn;
  if (t.isView || (Object.keys(columns).length === 0 && table === undefined)) return t.sql;
  const reparsed = parseTableDefinition(t.sql, '').table;
  if (!reparsed || reparsed.columnsEnd === undefined) return t.sql;
  const str = (v: string) => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
  const edits: [number, string][] = [];
  for (const c of reparsed.columns)
    if (columns[c.name] !== undefined) edits.push([c.span.end, ` COMMENT ${str(columns[c.name])}`]);
  if (table !== undefined) edits.push([reparsed.columnsEnd, ` COMMENT=${str(table)}`]);
  let sql = t.sql;
  for (const [at, text] of edits.sort((a, b) => b[0] - a[0])) sql = sql.slice(0, at) + text + sql.slice(at);
  return sql;
}

/** The statements for an action on a local database, in the target's SQL, and what was translated. */
export async function localStatements(
  action: DatabaseAction,
  tables: readonly TableDef[],
  kind: 'postgres' | 'pglite' | 'mysql',
): Promise<{ statements: string[]; notes: string[] }> {
  if (action === 'grant')
    throw new EtlError(
      diag(
        'ETL3630',
        'GRANT statements from database.permissions are for Redshift; a local database has no such groups',
        {
          hint: 'run `etlctl database grant --execute` with a mode whose target is aws',
        },
      ),
      ExitCode.USAGE,
    );
  const { translateScript } = await import('../local/translate.js');
  const ordered = orderTables(tables);
  const notes: string[] = [];
  const drop = [...ordered].reverse().map(dropStatement);
  const create: string[] = [];
  for (const t of ordered) {
    if (kind === 'mysql' && t.schema) create.push(`CREATE DATABASE IF NOT EXISTS ${t.schema}`);
    const script = kind === 'mysql' ? withInlineComments(t) : [t.sql, ...t.comments].join(';\n');
    const res = translateScript(script, kind, { source: t.fullName });
    notes.push(...res.translations);
    for (const a of res.actions) if (a.kind === 'sql') create.push(a.sql.trim());
  }
  const statements = action === 'create' ? create : action === 'drop' ? drop : [...drop, ...create];
  return { statements, notes };
}

/** Run statements in order, in one transaction where the engine allows DDL in one (not MySQL). */
export async function executeLocally(
  target: LocalTarget,
  statements: readonly string[],
): Promise<{ statements: number }> {
  const { openDriver } = await import('../local/drivers/index.js');
  const driver = await openDriver(target.url, { seedSql: target.seedSql });
  try {
    const run = async (d: typeof driver) => {
      for (const s of statements) await d.exec(s);
    };
    if (driver.kind === 'mysql') await run(driver);
    else await driver.transaction(run);
  } finally {
    await driver.close();
  }
  return { statements: statements.length };
}

export type RedshiftRow = Record<string, string | number | boolean | null>;

/** One query through the Redshift Data API (ExecuteStatement, DescribeStatement, GetStatementResult). */
export async function queryOnRedshift(
  clients: AwsClients,
  target: RedshiftTarget,
  sql: string,
  parameters: Record<string, string>,
  opts: ExecuteOptions = {},
): Promise<RedshiftRow[]> {
  const { ExecuteStatementCommand, DescribeStatementCommand, GetStatementResultCommand } =
    await import('@aws-sdk/client-redshift-data');
  const rsd = await clients.redshiftData();
  const started = await awsCall('Redshift ExecuteStatement', () =>
    rsd.send(
      new ExecuteStatementCommand({
        Sql: sql,
        Parameters: Object.entries(parameters).map(([name, value]) => ({ name, value })),
        ...connectionParams(target),
        StatementName: 'etlctl database diff',
      }),
    ),
  );
  const id = started.Id ?? '';
  const deadline = Date.now() + (opts.timeoutMs ?? 5 * 60_000);
  let pollMs = opts.pollMs ?? 250;
  for (;;) {
    const st = await awsCall('Redshift DescribeStatement', () =>
      rsd.send(new DescribeStatementCommand({ Id: id })),
    );
    if (st.Status === 'FINISHED') break;
    if (st.Status === 'FAILED' || st.Status === 'ABORTED')
      throw new EtlError(
        diag('ETL3624', `Redshift query failed: ${(st.Error ?? st.Status).split('\n')[0]}`),
        ExitCode.FAILURE,
      );
    if (Date.now() > deadline)
      throw new EtlError(
        // The same code as a DDL statement that outlives the wait: one meaning, exit 3.
        diag('ETL8126', `Redshift query ${id} still ${st.Status} after the timeout`),
        ExitCode.ENVIRONMENT,
      );
    await sleep(pollMs);
    pollMs = Math.min(pollMs * 2, 2000);
  }
  const rows: RedshiftRow[] = [];
  let token: string | undefined;
  do {
    const page = await awsCall('Redshift GetStatementResult', () =>
      rsd.send(new GetStatementResultCommand({ Id: id, ...(token ? { NextToken: token } : {}) })),
    );
    const names = (page.ColumnMetadata ?? []).map((c) => (c.label ?? c.name ?? '').toLowerCase());
    for (const rec of page.Records ?? [])
      rows.push(
        Object.fromEntries(
          rec.map((f, k) => [
            names[k],
            f.isNull
              ? null
              : (f.stringValue ??
                (f.longValue !== undefined ? Number(f.longValue) : undefined) ??
                f.doubleValue ??
                f.booleanValue ??
                null),
          ]),
        ),
      );
    token = page.NextToken;
  } while (token);
  return rows;
}
