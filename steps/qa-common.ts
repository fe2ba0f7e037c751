/**
 * Shared by the QA steps (qa-check and Dataduct's primary-key-check, count-check, column-check):
 * per-check-kind schemas, turning YAML checks into QaCheckSpecs, and the one ShellCommandActivity
 * that runs `etlctl task qa-check` for all checks of a step (DESIGN.md decision 5).
 */
import type { StepContext } from '../src/compile/context.js';
import { MAX_INLINE_FIELD_BYTES } from '../src/compile/context.js';
import type { TableDef } from '../src/compile/table-definition.js';
import { didYouMean } from '../src/diagnostics.js';
import type { FieldValue } from '../src/definition/model.js';
import { ref } from '../src/definition/model.js';
import { validateWithSchema } from '../src/spec/validate.js';
import type { KeyPath } from '../src/spec/yaml.js';
import type { CheckKind, QaCheckSpec, Severity } from '../src/tasks/qa-spec.js';
import { CHECK_KINDS, isRateCheck, LIMIT_PLACEHOLDER } from '../src/tasks/qa-spec.js';
import { quoteIdent } from '../src/spec/sql-identifiers.js';
import { sqlName, sqlNames } from './sql-names.js';
import type { JsonSchema } from './types.js';

const COLUMN_LIST: JsonSchema = { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } };
export const SEVERITY: JsonSchema = {
  type: 'string',
  enum: ['error', 'warn'],
  description: 'error fails the activity; warn reports (warning alarm) and lets the pipeline go on',
};

/** Keys every check accepts. */
const CHECK_COMMON: Record<string, JsonSchema> = {
  check: { type: 'string', enum: [...CHECK_KINDS] },
  name: { type: 'string', minLength: 1, pattern: '^[A-Za-z0-9_.-]+$', description: 'name shown in results' },
  severity: SEVERITY,
  threshold: {
    type: 'number',
    minimum: 0,
    description: 'failing rows allowed (row checks) or error rate allowed in % (row-count, column-sample)',
  },
  description: { type: 'string' },
};

const SOURCE_KEYS: Record<string, JsonSchema> = {
  source_host: { type: 'string', description: 'connection the source side runs on' },
  source_sql: { type: 'string' },
};

/** One closed schema per check kind; the step schema only checks `check:` itself. */
export const CHECK_SCHEMAS: Record<CheckKind, JsonSchema> = {
  'primary-key': { properties: { columns: COLUMN_LIST } },
  'not-null': { properties: { columns: COLUMN_LIST }, required: ['columns'] },
  unique: { properties: { columns: COLUMN_LIST }, required: ['columns'] },
  'accepted-values': {
    properties: {
      column: { type: 'string', minLength: 1 },
      values: { type: 'array', minItems: 1, items: { type: ['string', 'number', 'boolean'] } },
    },
    required: ['column', 'values'],
  },
  'row-count': {
    properties: {
      ...SOURCE_KEYS,
      source_table: { type: 'string' },
      source_count_sql: { type: 'string' },
      destination_sql: { type: 'string' },
      tolerance: { type: 'number', minimum: 0, description: 'error rate allowed, in %' },
    },
    required: ['source_host'],
  },
  'column-sample': {
    properties: {
      ...SOURCE_KEYS,
      sql_tail_for_source: {
        type: 'string',
        description: `appended to the source query; must contain ${LIMIT_PLACEHOLDER}`,
      },
      sample_size: { type: 'integer', minimum: 1 },
      tolerance: { type: 'number', minimum: 0 },
      primary_key: COLUMN_LIST,
      destination_sql: { type: 'string' },
    },
    required: ['source_host', 'source_sql'],
  },
  sql: {
    properties: {
      sql: { type: 'string', minLength: 1, description: 'a query returning the failing rows' },
      database: { type: 'string', description: 'connection to run it on (default: the step database)' },
    },
    required: ['sql'],
  },
};

for (const s of Object.values(CHECK_SCHEMAS)) {
  s.type = 'object';
  s.additionalProperties = false;
  s.properties = { ...CHECK_COMMON, ...s.properties };
}

/** The step-level schema of `checks:`; each item is then checked against its kind's schema. */
export const CHECKS_PARAM: JsonSchema = {
  type: 'array',
  minItems: 1,
  description: `checks to run: ${CHECK_KINDS.join(', ')}`,
  items: {
    type: 'object',
    required: ['check'],
    // The kind is checked in compile (ETL3201, did you mean), so every check of the step is reported at once.
    properties: { check: { type: 'string', minLength: 1 } },
  },
};

export const LOG_TO_S3: JsonSchema = {
  type: 'boolean',
  description: "append Dataduct's QA result row (TSV) under the QA log path on S3",
};

/** Where `log_to_s3` rows go: s3://bucket/base/logs/<pipeline>/qa/<step>/ */
export function qaLogUri(ctx: StepContext): string {
  return ctx.b.s3Uri('logs', `qa/${ctx.step.name.replace(/\./g, '_')}/`);
}

/** Validate one YAML check against its kind's schema; diagnostics go to the build. */
export function validateCheck(
  ctx: StepContext,
  key: KeyPath,
  raw: Record<string, unknown>,
  kind: CheckKind,
): boolean {
  const diags = validateWithSchema(
    ctx.pipeline.file,
    [...ctx.step.path, ...key],
    raw,
    CHECK_SCHEMAS[kind],
    `check '${kind}' of step '${ctx.step.name}'`,
  );
  ctx.b.diagnostics.push(...diags);
  return diags.length === 0;
}

/**
 * Columns must exist in the table definition, when one is given, and be names either way.
 * Returns them as the check spec carries them (the task parses and quotes them again for its
 * database): the definition's own column names, quoted where they must be, or the names as
 * written; undefined after reporting.
 */
export function checkColumns(
  ctx: StepContext,
  table: TableDef | undefined,
  columns: string[],
  key: KeyPath,
  /** The key names one column (`column:`), not a list. */
  single = false,
): string[] | undefined {
  if (!table) {
    const names = single
      ? sqlName(ctx, [...key, 'column'], columns[0], { maxParts: 1, what: 'column' })
      : sqlNames(ctx, key, columns, { what: 'column' });
    return names === undefined ? undefined : columns;
  }
  const known = table.columns.map((c) => c.name);
  let ok = true;
  const out = columns.map((c, i) => {
    const actual = known.find((k) => k === c) ?? known.find((k) => k.toLowerCase() === c.toLowerCase());
    if (actual === undefined) {
      ctx.error(
        'ETL3204',
        `column '${c}' is not in ${table.fullName}`,
        [...key, i],
        didYouMean(c, known) ?? `columns of ${table.fullName}: ${known.join(', ')}`,
      );
      ok = false;
    }
    return quoteIdent(actual ?? c);
  });
  return ok ? out : undefined;
}

/** A Dataduct `sql_tail_for_source` must say where the sample size goes. */
export function checkSqlTail(ctx: StepContext, tail: string | undefined, key: KeyPath): boolean {
  if (tail === undefined || tail.includes(LIMIT_PLACEHOLDER)) return true;
  ctx.error(
    'ETL3207',
    `sql_tail_for_source must contain ${LIMIT_PLACEHOLDER} (replaced by sample_size)`,
    key,
    `e.g. sql_tail_for_source: "ORDER BY RAND() LIMIT ${LIMIT_PLACEHOLDER}"`,
  );
  return false;
}

/** A named source connection must exist in the config (no database object is emitted for it). */
export function checkConnection(ctx: StepContext, name: string, key: KeyPath): boolean {
  const names = Object.keys(ctx.config.databases);
  if (ctx.config.databases[name]) return true;
  ctx.error(
    'ETL2021',
    `unknown database connection '${name}'`,
    key,
    (didYouMean(name, names) ?? '') +
      (names.length ? ` configured: ${names.join(', ')}` : ' the config has no `databases:` section'),
  );
  return false;
}

export function defaultSeverity(ctx: StepContext): Severity {
  // Dataduct: a failed check with a warning topic configured publishes and succeeds; without one it fails.
  const s = ctx.str('severity');
  if (s === 'error' || s === 'warn') return s;
  return ctx.config.alerts.warningTopic ? 'warn' : 'error';
}

/**
 * Emit the step's one ShellCommandActivity running `etlctl task qa-check` for all `checks`.
 * `warn` checks get the warning alarm as a user field (the local engine fires it on an
 * `ETLCTL-ALERT` line) and `--warning-topic` (on AWS the task publishes to SNS itself).
 */
export function emitQaActivity(ctx: StepContext, database: string, checks: QaCheckSpec[]): void {
  const json = JSON.stringify(checks);
  if (Buffer.byteLength(json, 'utf8') > MAX_INLINE_FIELD_BYTES - 256) {
    ctx.error(
      'ETL3210',
      `the checks of step '${ctx.step.name}' take ${Buffer.byteLength(json, 'utf8')} bytes, more than a Data Pipeline field holds (${MAX_INLINE_FIELD_BYTES})`,
      ['checks'],
      'split the checks over several qa-check steps, or shorten long SQL',
    );
    return;
  }
  const hasWarn = checks.some((c) => c.severity === 'warn');
  const topic = ctx.config.alerts.warningTopic;
  const args = [
    '--pipeline',
    ctx.pipeline.name,
    '--step',
    ctx.step.name,
    '--database',
    database,
    '--checks',
    json,
  ];
  if (hasWarn && topic) args.push('--warning-topic', topic);
  const task = ctx.etlctlTask('qa-check', args);
  const fields: Record<string, FieldValue | undefined> = {
    command: task.command,
    scriptArgument: task.scriptArgument,
    myWarningAlarm: hasWarn && ctx.b.get('WarningAlarm') ? ref('WarningAlarm') : undefined,
  };
  ctx.activity('QaCheck', 'ShellCommandActivity', fields);
}

/** Shared builder pieces for a check's spec. */
export function baseSpec(kind: CheckKind, raw: Record<string, unknown>, severity: Severity): QaCheckSpec {
  const tolerance = typeof raw.tolerance === 'number' ? raw.tolerance : undefined;
  const threshold = typeof raw.threshold === 'number' ? raw.threshold : (tolerance ?? 0);
  return {
    kind,
    name: typeof raw.name === 'string' ? raw.name : kind,
    severity: raw.severity === 'warn' || raw.severity === 'error' ? raw.severity : severity,
    threshold,
  };
}

export { isRateCheck };
