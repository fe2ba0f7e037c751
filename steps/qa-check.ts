/**
 * qa-check: data tests on a table in the spirit of dbt tests — primary-key, not-null, unique,
 * accepted-values, row-count and column-sample against a source, and custom SQL assertions —
 * each with a severity (error | warn) and a threshold. One ShellCommandActivity runs them all
 * through `etlctl task qa-check` and reports every result.
 */
import type { StepContext } from '../src/compile/context.js';
import type { TableDef } from '../src/compile/table-definition.js';
import { didYouMean } from '../src/diagnostics.js';
import { isRecord } from '../src/spec/yaml.js';
import type { CheckKind, QaCheckSpec, Severity } from '../src/tasks/qa-spec.js';
import { CHECK_KINDS } from '../src/tasks/qa-spec.js';
import { DATABASE_PARAM } from './common.js';
import type { KeyPath } from '../src/spec/yaml.js';
import { sqlName, sqlNameParam, sqlTable } from './sql-names.js';
import {
  baseSpec,
  CHECKS_PARAM,
  checkColumns,
  checkConnection,
  checkSqlTail,
  emitQaActivity,
  LOG_TO_S3,
  qaLogUri,
  SEVERITY,
  validateCheck,
} from './qa-common.js';
import type { StepPlugin } from './types.js';

/** The step's database connection name (default warehouse), checked against the config. */
export function qaDatabase(ctx: StepContext, key = 'database'): string | undefined {
  const name = ctx.str(key) ?? ctx.config.defaults.warehouse;
  if (!name) {
    ctx.error(
      'ETL2020',
      `step '${ctx.step.name}' needs a database: set '${key}' or defaults.warehouse in the config`,
    );
    return undefined;
  }
  return checkConnection(ctx, name, ctx.params[key] !== undefined ? [key] : []) ? name : undefined;
}

/** A source table name (at `key`), checked in the dialect of its connection `host`. */
export function sourceTableName(ctx: StepContext, host: string, value: string, key: KeyPath): boolean {
  const engine = ctx.config.databases[host]?.engine;
  return sqlName(ctx, key, value, { dialect: engine === 'mysql' ? 'mysql' : 'postgres' }) !== undefined;
}

/** Build the spec of one YAML check; undefined (with diagnostics) when it is wrong. */
function buildCheck(
  ctx: StepContext,
  raw: Record<string, unknown>,
  i: number,
  table: { name?: string; def?: TableDef },
  severity: Severity,
): QaCheckSpec | undefined {
  const kind = raw.check as CheckKind;
  const key = ['checks', i];
  if (!validateCheck(ctx, key, raw, kind)) return undefined;
  const spec = baseSpec(kind, raw, severity);
  const needTable = (): boolean => {
    if (table.name) return true;
    ctx.error(
      'ETL3203',
      `check '${kind}' needs a table: set \`table:\` or \`table_definition:\` on step '${ctx.step.name}'`,
      [...key, 'check'],
    );
    return false;
  };
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
  if (raw.tolerance !== undefined && raw.threshold !== undefined) {
    ctx.error(
      'ETL3208',
      'give either tolerance or threshold, not both (both mean the error rate allowed, in %)',
      [...key, 'threshold'],
    );
    return undefined;
  }
  switch (kind) {
    case 'primary-key': {
      if (!needTable()) return undefined;
      const columns = raw.columns !== undefined ? strings(raw.columns) : (table.def?.primaryKey ?? []);
      if (columns.length === 0) {
        ctx.error(
          'ETL3205',
          `check 'primary-key' needs its key columns: give \`columns:\`${table.def ? `, or declare a PRIMARY KEY in the definition of ${table.def.fullName}` : ' or a table_definition with a PRIMARY KEY'}`,
          [...key, 'check'],
        );
        return undefined;
      }
      const checked = checkColumns(ctx, table.def, columns, [...key, 'columns']);
      if (!checked) return undefined;
      return { ...spec, table: table.name, columns: checked };
    }
    case 'not-null':
    case 'unique': {
      if (!needTable()) return undefined;
      const columns = checkColumns(ctx, table.def, strings(raw.columns), [...key, 'columns']);
      if (!columns) return undefined;
      return { ...spec, table: table.name, columns };
    }
    case 'accepted-values': {
      if (!needTable()) return undefined;
      const column = checkColumns(ctx, table.def, [String(raw.column)], [...key], true)?.[0];
      if (column === undefined) return undefined;
      return { ...spec, table: table.name, column, values: raw.values as (string | number | boolean)[] };
    }
    case 'row-count': {
      const given = ['source_sql', 'source_table', 'source_count_sql'].filter((k) => raw[k] !== undefined);
      if (given.length !== 1) {
        ctx.error(
          'ETL3206',
          given.length === 0
            ? "check 'row-count' needs one of source_sql, source_table or source_count_sql"
            : `check 'row-count': ${given.join(' and ')} cannot be used together`,
          given.length === 0 ? [...key, 'check'] : [...key, given[1]],
        );
        return undefined;
      }
      if (!checkConnection(ctx, String(raw.source_host), [...key, 'source_host'])) return undefined;
      const sourceTable = raw.source_table;
      if (
        typeof sourceTable === 'string' &&
        !sourceTableName(ctx, String(raw.source_host), sourceTable, [...key, 'source_table'])
      )
        return undefined;
      if (raw.destination_sql === undefined && !needTable()) return undefined;
      return {
        ...spec,
        table: table.name,
        source: String(raw.source_host),
        sourceSql: raw.source_sql as string | undefined,
        sourceTable: raw.source_table as string | undefined,
        sourceCountSql: raw.source_count_sql as string | undefined,
        destinationSql: raw.destination_sql as string | undefined,
      };
    }
    case 'column-sample': {
      if (!checkConnection(ctx, String(raw.source_host), [...key, 'source_host'])) return undefined;
      if (!checkSqlTail(ctx, raw.sql_tail_for_source as string | undefined, [...key, 'sql_tail_for_source']))
        return undefined;
      if (raw.destination_sql === undefined && !needTable()) return undefined;
      const keys = raw.primary_key !== undefined ? strings(raw.primary_key) : (table.def?.primaryKey ?? []);
      if (keys.length === 0 && raw.destination_sql === undefined) {
        ctx.error(
          'ETL3205',
          "check 'column-sample' compares rows by key: give `primary_key:` or a table_definition with a PRIMARY KEY",
          [...key, 'check'],
        );
        return undefined;
      }
      const keyColumns = checkColumns(ctx, table.def, keys, [...key, 'primary_key']);
      if (!keyColumns) return undefined;
      return {
        ...spec,
        table: table.name,
        source: String(raw.source_host),
        sourceSql: String(raw.source_sql),
        sqlTail: raw.sql_tail_for_source as string | undefined,
        sampleSize: typeof raw.sample_size === 'number' ? raw.sample_size : 100,
        keyColumns,
        destinationSql: raw.destination_sql as string | undefined,
      };
    }
    case 'sql': {
      if (typeof raw.database === 'string' && !checkConnection(ctx, raw.database, [...key, 'database']))
        return undefined;
      return {
        ...spec,
        table: table.name,
        sql: String(raw.sql),
        database: raw.database as string | undefined,
      };
    }
  }
}

const plugin: StepPlugin = {
  type: 'qa-check',
  aliases: ['qa-checks', 'data-tests'],
  summary:
    'Data tests on a table (primary-key, not-null, unique, accepted-values, row-count, column-sample, sql)',
  input: 'none',
  params: {
    properties: {
      table: {
        type: 'string',
        minLength: 1,
        description: 'schema.table the checks are about (a name; "quote" parts with other characters)',
      },
      table_definition: {
        type: 'string',
        description: 'CREATE TABLE file: gives the table, its columns and primary key',
      },
      database: DATABASE_PARAM,
      severity: { ...SEVERITY, description: 'default severity of the checks (error)' },
      log_to_s3: LOG_TO_S3,
      checks: CHECKS_PARAM,
    },
    required: ['checks'],
  },
  atMostOne: [['table', 'table_definition']],
  compile(ctx) {
    const database = qaDatabase(ctx);
    let def: TableDef | undefined;
    if (ctx.str('table_definition')) {
      def = ctx.tableDefinition('table_definition');
      if (!def) return;
    }
    const named = sqlNameParam(ctx, 'table');
    if (named === null) return;
    // The task parses these names again and quotes them for the database it runs on.
    const table = { name: def ? sqlTable(def).full : ctx.str('table'), def };
    const severity: Severity = ctx.str('severity') === 'warn' ? 'warn' : 'error';
    const checks: QaCheckSpec[] = [];
    let ok = database !== undefined;
    (ctx.params.checks as unknown[]).forEach((raw, i) => {
      if (!isRecord(raw)) return;
      if (!CHECK_KINDS.includes(raw.check as CheckKind)) {
        ctx.error(
          'ETL3201',
          `unknown check '${String(raw.check)}'`,
          ['checks', i, 'check'],
          didYouMean(String(raw.check), CHECK_KINDS) ?? `known checks: ${CHECK_KINDS.join(', ')}`,
        );
        ok = false;
        return;
      }
      const spec = buildCheck(ctx, raw, i, table, severity);
      if (spec) checks.push(spec);
      else ok = false;
    });
    if (!ok || !database) return;
    if (ctx.params.log_to_s3 === true) for (const c of checks) c.logUri = qaLogUri(ctx);
    emitQaActivity(ctx, database, checks);
  },
};

export default plugin;
