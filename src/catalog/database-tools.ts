/**
 * `etlctl database generate` and `etlctl database diff` as library calls (issue 16): typed
 * options in, values and diagnostics out; src/cli/catalog.ts prints them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { RedshiftTarget } from '../aws/database.js';
import { loadConfig } from '../config/load.js';
import type { ResolvedConfig } from '../config/types.js';
import type { TableDef } from '../compile/table-definition.js';
import type { Diagnostic } from '../diagnostics.js';
import { diag, EtlError, ExitCode, hasErrors } from '../diagnostics.js';
import type { Dialect } from './ddl-types.js';
import { generateTable, tableFileName } from './ddl.js';
import { readFieldDefinitions } from './fields.js';
import type { LiveTable } from './introspect.js';
import type { Difference } from './table-diff.js';
import { diffTable } from './table-diff.js';

export interface GenerateOptions {
  file: string;
  dialect: Dialect;
  /** Table name for a CSV without a table column. */
  table?: string;
  /** Folder: one `<schema.table>.sql` per table; absent: the SQL is returned. */
  output?: string;
  cwd?: string;
}

export interface GenerateResult {
  sql: string;
  tables: { table: string; file?: string }[];
  diagnostics: Diagnostic[];
  sources: Map<string, string>;
}

export function generateDdl(opts: GenerateOptions): GenerateResult {
  const cwd = opts.cwd ?? process.cwd();
  const abs = resolve(cwd, opts.file);
  const display = relative(cwd, abs).startsWith('..') ? abs : relative(cwd, abs);
  const read = readFieldDefinitions(abs, display, opts.table);
  const sources = new Map([[display, read.text]]);
  if (hasErrors(read.diagnostics)) return { sql: '', tables: [], diagnostics: read.diagnostics, sources };
  const parts = read.tables.map((t) => ({ t, sql: generateTable(t, opts.dialect, display) }));
  const tables: GenerateResult['tables'] = [];
  if (opts.output) {
    const dir = resolve(cwd, opts.output);
    try {
      mkdirSync(dir, { recursive: true });
      for (const p of parts) {
        const file = join(dir, tableFileName(p.t.table));
        writeFileSync(file, p.sql);
        tables.push({ table: p.t.table, file });
      }
    } catch (e) {
      throw new EtlError(
        diag('ETL3606', `cannot write to ${dir}: ${(e as Error).message}`),
        ExitCode.ENVIRONMENT,
      );
    }
  } else tables.push(...parts.map((p) => ({ table: p.t.table })));
  return { sql: parts.map((p) => p.sql).join('\n'), tables, diagnostics: read.diagnostics, sources };
}

export interface DiffOptions {
  file: string;
  mode?: string;
  configPath?: string;
  connection?: string;
  cwd?: string;
  /** Data API polling (tests). */
  pollMs?: number;
}

export interface DiffResult {
  table?: string;
  /** Where the live table is: the connection and a password-free description. */
  target?: { connection: string; where: string; dialect: Dialect };
  differences: Difference[];
  statements: string[];
  diagnostics: Diagnostic[];
  sources: Map<string, string>;
}

export async function diffTableFile(opts: DiffOptions): Promise<DiffResult> {
  const cwd = opts.cwd ?? process.cwd();
  const { loadTableDefinitions, ddlTarget, localStatements, databaseStatements } =
    await import('../aws/database.js');
  const loaded = await loadTableDefinitions([resolve(cwd, opts.file)]);
  const sources = new Map([...loaded.sources].map(([k, v]) => [relative(cwd, k) || k, v]));
  const diagnostics = loaded.diagnostics.map((d) => ({
    ...d,
    file: d.file ? relative(cwd, d.file) || d.file : d.file,
  }));
  const def = loaded.tables[0];
  if (hasErrors(diagnostics) || !def) return { differences: [], statements: [], diagnostics, sources };
  if (def.isView)
    throw new EtlError(
      diag('ETL3622', `${opts.file} defines a view; database diff compares tables`, {
        hint: 'recreate views with etlctl database recreate',
      }),
      ExitCode.USAGE,
    );
  const config = loadConfig({ configPath: opts.configPath, mode: opts.mode, cwd });
  const where = await ddlTarget(config, opts.connection, cwd);
  let live: LiveTable;
  let dialect: Dialect;
  let target: DiffResult['target'];
  let create: () => string[];
  if (where.kind === 'local') {
    const { driverKindOf, openDriver, redactUrl } = await import('../local/drivers/index.js');
    const { introspectDriver } = await import('./introspect.js');
    const kind = driverKindOf(where.local.url);
    dialect = kind === 'mysql' ? 'mysql' : 'postgres';
    const created = (await localStatements('create', [def], kind)).statements;
    create = () => created;
    const driver = await openDriver(where.local.url, { seedSql: where.local.seedSql });
    try {
      live = await introspectDriver(driver, def.schema, def.name);
    } finally {
      await driver.close();
    }
    target = { connection: where.local.name, where: redactUrl(where.local.url), dialect };
  } else {
    live = await liveOnRedshift(config, where.redshift, def, opts.pollMs);
    dialect = 'redshift';
    create = () => databaseStatements('create', [def], []);
    const r = where.redshift;
    target = {
      connection: r.name,
      where: `redshift ${r.clusterId ?? r.workgroupName}/${r.database}`,
      dialect,
    };
  }
  const differences = diffTable(def, live, dialect, create);
  return {
    table: def.fullName,
    target,
    differences,
    statements: differences.flatMap((d) => d.statements),
    diagnostics,
    sources,
  };
}

async function liveOnRedshift(
  config: ResolvedConfig,
  target: RedshiftTarget,
  def: TableDef,
  pollMs?: number,
): Promise<LiveTable> {
  const { queryOnRedshift } = await import('../aws/database.js');
  const { AwsClients } = await import('../aws/clients.js');
  const { introspectPostgres } = await import('./introspect.js');
  const clients = new AwsClients({ region: config.aws.region });
  try {
    // The Data API takes named parameters (:p1) where PostgreSQL takes $1.
    return await introspectPostgres(
      (sql, params) =>
        queryOnRedshift(
          clients,
          target,
          sql.replace(/\$(\d+)/g, ':p$1'),
          Object.fromEntries(params.map((p, k) => [`p${k + 1}`, p])),
          { pollMs },
        ),
      def.schema,
      def.name,
    );
  } finally {
    clients.destroy();
  }
}
