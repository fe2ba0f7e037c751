/**
 * Catalog commands (issue 16): `catalog build|check`, `database generate|diff`. Wiring and
 * printing only; the work is in src/catalog, loaded inside each action (DESIGN.md decision 11).
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import {
  EtlError,
  ExitCode,
  diag,
  formatDiagnostics,
  hasErrors,
  sortDiagnostics,
  summarize,
} from '../diagnostics.js';
import type { CommonOptions } from './common.js';
import { err, out, reportDiagnostics, setExit, withCommonOptions } from './common.js';

function group(program: Command, name: string, description: string): Command {
  return program.commands.find((c) => c.name() === name) ?? program.command(name).description(description);
}

function instant(v: string): Date {
  const d = new Date(v);
  if (Number.isNaN(d.getTime()))
    throw new EtlError(
      diag('ETL3514', `--at '${v}' is not a date-time`, { hint: 'e.g. 2026-03-01T07:00:00Z' }),
      ExitCode.USAGE,
    );
  return d;
}

interface CatalogFlags extends CommonOptions {
  output?: string;
  at?: string;
  jobs?: number;
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1)
    throw new EtlError(diag('ETL3515', `--jobs '${v}' is not a positive whole number`), ExitCode.USAGE);
  return n;
}

function buildOptions(paths: string[], o: CatalogFlags) {
  return { paths, mode: o.mode, configPath: o.config, now: o.at ? instant(o.at) : undefined, jobs: o.jobs };
}

/** Errors from a thrown EtlError, printed like every command prints them. */
function failed(e: unknown, json?: boolean): number {
  if (!(e instanceof EtlError)) throw e;
  if (json) out(JSON.stringify({ ok: false, diagnostics: e.diagnostics }, null, 2));
  else err(formatDiagnostics(e.diagnostics));
  return e.exitCode;
}

async function build(paths: string[], o: CatalogFlags): Promise<number> {
  const { buildCatalog } = await import('../catalog/build.js');
  const { writeCatalogSite } = await import('../catalog/site/write.js');
  const { resolve } = await import('node:path');
  try {
    const r = await buildCatalog(buildOptions(paths, o));
    if (!r.catalog) {
      reportDiagnostics(r.diagnostics, { json: o.json, sources: r.sources });
      return ExitCode.FAILURE;
    }
    const dir = resolve(o.output ?? '.etlctl/catalog');
    writeCatalogSite(dir, r.catalog);
    const c = r.catalog;
    const counts = {
      tables: c.datasets.filter((d) => d.kind === 'table').length,
      files: c.datasets.filter((d) => d.kind === 'file').length,
      pipelines: c.pipelines.length,
      problems: c.problems.length,
    };
    if (o.json)
      out(JSON.stringify({ ok: true, output: dir, index: resolve(dir, 'index.html'), ...counts }, null, 2));
    else {
      out(
        `Catalog: ${counts.tables} tables, ${counts.files} files, ${counts.pipelines} pipelines → ${resolve(dir, 'index.html')}`,
      );
      if (counts.problems > 0)
        out(
          `${counts.problems} problem${counts.problems === 1 ? '' : 's'} (see the site, or run \`etlctl catalog check\`)`,
        );
    }
    return ExitCode.OK;
  } catch (e) {
    return failed(e, o.json);
  }
}

async function check(paths: string[], o: CatalogFlags): Promise<number> {
  const { buildCatalog } = await import('../catalog/build.js');
  try {
    const r = await buildCatalog(buildOptions(paths, o));
    const sorted = sortDiagnostics(r.diagnostics);
    const ok = !sorted.some((d) => d.severity === 'error');
    if (o.json) {
      out(
        JSON.stringify(
          {
            ok,
            diagnostics: sorted,
            ...(r.catalog
              ? {
                  pipelines: r.catalog.pipelines.map((p) => ({
                    name: p.name,
                    freshness: p.freshness ?? null,
                  })),
                }
              : {}),
          },
          null,
          2,
        ),
      );
    } else {
      if (sorted.length > 0) err(formatDiagnostics(sorted, r.sources));
      const c = r.catalog;
      out(
        c
          ? `catalog check: ${c.datasets.filter((d) => d.kind === 'table').length} tables, ${c.pipelines.length} pipelines: ${summarize(sorted)}`
          : `catalog check: ${summarize(sorted)}`,
      );
    }
    return ok ? ExitCode.OK : ExitCode.FAILURE;
  } catch (e) {
    return failed(e, o.json);
  }
}

interface GenerateFlags extends CommonOptions {
  dialect: 'redshift' | 'postgres' | 'mysql';
  table?: string;
  output?: string;
}

async function generate(file: string, o: GenerateFlags): Promise<number> {
  const { generateDdl } = await import('../catalog/database-tools.js');
  try {
    const r = generateDdl({ file, dialect: o.dialect, table: o.table, output: o.output });
    if (hasErrors(r.diagnostics)) {
      reportDiagnostics(r.diagnostics, { json: o.json, sources: r.sources });
      return ExitCode.FAILURE;
    }
    if (o.json)
      out(
        JSON.stringify(
          { ok: true, dialect: o.dialect, tables: r.tables, sql: o.output ? undefined : r.sql },
          null,
          2,
        ),
      );
    else if (o.output) for (const t of r.tables) out(`wrote ${t.file} (${t.table})`);
    else out(r.sql.trimEnd());
    return ExitCode.OK;
  } catch (e) {
    return failed(e, o.json);
  }
}

const SYMBOL: Record<string, string> = {
  missing_table: '+',
  add_column: '+',
  drop_column: '-',
  type: '~',
  nullable: '~',
  primary_key: '~',
};

async function diff(file: string, o: CommonOptions & { connection?: string }): Promise<number> {
  const { diffTableFile } = await import('../catalog/database-tools.js');
  try {
    const r = await diffTableFile({ file, mode: o.mode, configPath: o.config, connection: o.connection });
    if (hasErrors(r.diagnostics)) {
      reportDiagnostics(r.diagnostics, { json: o.json, sources: r.sources });
      return ExitCode.FAILURE;
    }
    const same = r.differences.length === 0;
    if (o.json) {
      out(
        JSON.stringify(
          {
            ok: true,
            same,
            table: r.table,
            target: r.target,
            differences: r.differences,
            statements: r.statements,
          },
          null,
          2,
        ),
      );
      return same ? ExitCode.OK : ExitCode.FAILURE;
    }
    const t = r.target!;
    if (same) {
      out(`${r.table}: ${file} and the live table on ${t.connection} (${t.where}) match`);
      return ExitCode.OK;
    }
    out(`--- ${file}\n+++ ${t.connection} ${t.where} (${t.dialect})`);
    for (const d of r.differences) {
      const what =
        d.kind === 'missing_table'
          ? `table ${r.table} does not exist`
          : d.kind === 'add_column'
            ? `column ${d.column} ${d.expected}: not in the live table`
            : d.kind === 'drop_column'
              ? `column ${d.column} ${d.actual}: only in the live table`
              : d.kind === 'primary_key'
                ? `primary key: ${d.expected} in the file, ${d.actual} live`
                : `column ${d.column}: ${d.expected} in the file, ${d.actual} live`;
      out(`${SYMBOL[d.kind]} ${what}${d.note ? ` (${d.note})` : ''}`);
    }
    const stmts = r.differences.flatMap((d) =>
      d.statements.length > 0
        ? d.statements.map((s) => `${s};`)
        : d.note
          ? [`-- ${d.column ?? r.table}: ${d.note}`]
          : [],
    );
    out(['', ...stmts].join('\n'));
    return ExitCode.FAILURE;
  } catch (e) {
    return failed(e, o.json);
  }
}

function registerDatabaseTools(program: Command): void {
  const database = group(program, 'database', 'DDL from table definition files (Redshift)');
  withCommonOptions(
    database
      .command('generate')
      .description(
        'turn a field-definition document (CSV or YAML) into CREATE TABLE statements with comments',
      )
      .argument('<fields>', 'field definitions: .csv, .tsv, .yaml or .yml')
      .addOption(
        new Option('--dialect <dialect>', 'SQL dialect')
          .choices(['redshift', 'postgres', 'mysql'])
          .default('redshift'),
      )
      .option('--table <name>', 'schema.table, for a CSV without a table column')
      .option('-o, --output <dir>', 'write one <schema.table>.sql per table into this folder'),
  ).action(async (file: string, o: GenerateFlags) => setExit(await generate(file, o)));

  withCommonOptions(
    database
      .command('diff')
      .description(
        "compare a table definition with the live table and print the ALTERs that reconcile them\n(exit 1 when they differ; the mode's local database, or Redshift through the Data API)",
      )
      .argument('<table_definition>', 'CREATE TABLE .sql file')
      .option('--connection <name>', 'named database from the config (default: defaults.warehouse)'),
  ).action(async (file: string, o: CommonOptions & { connection?: string }) => setExit(await diff(file, o)));
}

export function registerCatalogCommands(program: Command): void {
  registerDatabaseTools(program);
  const catalog = group(
    program,
    'catalog',
    'data catalog: tables, columns, PII levels, owners, lineage and freshness from the pipeline files',
  );
  withCommonOptions(
    catalog
      .command('build')
      .description('write catalog.json and a static site (open index.html; no server needed)')
      .argument('[paths...]', 'pipeline files or folders (default: pipelines)')
      .option('-o, --output <dir>', 'output folder (default: .etlctl/catalog)')
      .option('--at <time>', 'judge freshness at this time instead of now (ISO 8601)')
      .option(
        '-j, --jobs <n>',
        'threads compiling the pipelines (default: one per core, up to 4)',
        positiveInt,
      ),
  ).action(async (paths: string[], o: CatalogFlags) => setExit(await build(paths, o)));

  withCommonOptions(
    catalog
      .command('check')
      .description(
        'fail (exit 1) when a table has no owner, a personal column has no PII level, or an SLA was missed',
      )
      .argument('[paths...]', 'pipeline files or folders (default: pipelines)')
      .option('--at <time>', 'judge freshness at this time instead of now (ISO 8601)'),
  ).action(async (paths: string[], o: CatalogFlags) => setExit(await check(paths, o)));
}
