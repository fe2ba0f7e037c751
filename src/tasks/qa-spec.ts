/**
 * The QA check spec: what the qa-check step (steps/qa-check.ts and its Dataduct shorthands)
 * compiles into the `--checks` argument of `etlctl task qa-check`, and what the task runs.
 * Kept free of imports so the compiler can use it without loading drivers.
 */

export const CHECK_KINDS = [
  'primary-key',
  'not-null',
  'unique',
  'accepted-values',
  'row-count',
  'column-sample',
  'sql',
] as const;
export type CheckKind = (typeof CHECK_KINDS)[number];

export type Severity = 'error' | 'warn';

export interface QaCheckSpec {
  kind: CheckKind;
  /** Display name: the check's `name:`, else the kind. */
  name: string;
  severity: Severity;
  /** Destination table (`schema.table`) the check is about, when it has one. */
  table?: string;
  /** Connection the destination side runs on (default: the task's --database). */
  database?: string;
  /**
   * Row checks (primary-key, not-null, unique, accepted-values, sql): failing rows allowed.
   * Rate checks (row-count, column-sample): error rate allowed, in percent.
   */
  threshold: number;
  columns?: string[];
  column?: string;
  values?: (string | number | boolean)[];
  /** sql: a query returning the failing rows. */
  sql?: string;
  /** row-count / column-sample: the source side. */
  source?: string;
  sourceSql?: string;
  sourceTable?: string;
  sourceCountSql?: string;
  /** Destination side given as a query instead of `table`. */
  destinationSql?: string;
  /** column-sample: key columns; empty with destinationSql means "all columns but the last" (Dataduct). */
  keyColumns?: string[];
  sampleSize?: number;
  /** column-sample: tail appended to the source query; `LIMIT_PLACEHOLDER` becomes sampleSize. */
  sqlTail?: string;
  /** Write Dataduct's QA log row (TSV) under this S3 prefix. */
  logUri?: string;
}

export const LIMIT_PLACEHOLDER = 'LIMIT_PLACEHOLDER';

/** Checks whose threshold is a rate in percent rather than a row count. */
export function isRateCheck(kind: CheckKind): boolean {
  return kind === 'row-count' || kind === 'column-sample';
}
