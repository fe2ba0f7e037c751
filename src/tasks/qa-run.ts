/**
 * The checks of `etlctl task qa-check`, as portable SQL (PostgreSQL/Redshift, MySQL/MariaDB,
 * PGlite): each returns the number of failing rows (row checks) or an error rate in % (row-count,
 * column-sample), a one-line detail and a few example rows for the report.
 */
import { diag, EtlError } from '../diagnostics.js';
import type { IdentPart } from '../spec/sql-identifiers.js';
import { foldedName, identifierHint, isReserved, parseQualifiedName } from '../spec/sql-identifiers.js';
import type { Driver, Row } from '../local/drivers/types.js';
import type { QaCheckSpec } from './qa-spec.js';
import { isRateCheck, LIMIT_PLACEHOLDER } from './qa-spec.js';

export type CheckStatus = 'PASS' | 'WARN' | 'FAIL' | 'ERROR';

export interface CheckResult {
  name: string;
  kind: QaCheckSpec['kind'];
  table?: string;
  severity: QaCheckSpec['severity'];
  status: CheckStatus;
  /** Row checks: rows (or duplicated keys) that fail. */
  failing?: number;
  /** Rate checks: error rate in %; null when it cannot be computed (source empty, destination not). */
  errorRate?: number | null;
  threshold: number;
  detail: string;
  /** A few failing rows / mismatches, for the report. */
  examples: Row[];
  /** ERROR: why the check could not run. */
  error?: string;
  /** ERROR because a database could not be reached (exit code 3). */
  environment?: boolean;
  elapsedMs: number;
}

/** Measured outcome before severity/threshold decide the status. */
interface Measure {
  failing?: number;
  errorRate?: number | null;
  detail: string;
  examples?: Row[];
}

const EXAMPLES = 5;

function parts(name: string): IdentPart[] {
  const parsed = parseQualifiedName(name, { maxParts: 3, mysql: true });
  if ('parts' in parsed) return parsed.parts;
  throw new EtlError(
    diag('ETL1200', `'${name}' is not a valid table or column name: ${parsed.error}`, {
      hint: identifierHint('a table or column in a QA check'),
    }),
  );
}

/**
 * A table or column name of a check (as written in the pipeline: `schema.table`, `"Quoted"`) as
 * SQL for this database. Plain lower-case parts are quoted (reserved words like `user`, `status`
 * stay safe); other unquoted parts stay as written so the engine folds their case; quoted parts
 * are quoted for this database. Anything that is not a name is an error, never SQL.
 */
export function ident(d: Driver, name: string): string {
  return parts(name)
    .map((p) => {
      if (!p.quoted && !/^[a-z_][a-z0-9_$]*$/.test(p.name) && !isReserved(p.name)) return p.name;
      return d.quoteIdent(foldedName(p, d.kind === 'mysql' ? 'mysql' : 'postgres'));
    })
    .join('.');
}

/** The column a (possibly quoted) name names, for finding it among a result's columns. */
function columnName(name: string): string {
  const all = parts(name);
  return foldedName(all[all.length - 1]);
}

function strip(sql: string): string {
  return sql.trim().replace(/;+\s*$/, '');
}

function num(v: unknown): number {
  if (v === null || v === undefined) return 0;
  return Number(v);
}

async function scalar(d: Driver, sql: string, params: unknown[] = []): Promise<number> {
  const r = await d.query(sql, params);
  const row = r.rows[0];
  if (!row) return 0;
  return num(Object.values(row)[0]);
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export interface CheckDrivers {
  destination(spec: QaCheckSpec): Promise<Driver>;
  source(spec: QaCheckSpec): Promise<Driver>;
}

/** Run one check; never throws (a check that cannot run is an ERROR result). */
export async function runCheck(spec: QaCheckSpec, drivers: CheckDrivers): Promise<CheckResult> {
  const t0 = Date.now();
  const base = {
    name: spec.name,
    kind: spec.kind,
    table: spec.table,
    severity: spec.severity,
    threshold: spec.threshold,
  };
  try {
    const m = await measure(spec, drivers);
    const rate = isRateCheck(spec.kind);
    const ok = rate
      ? m.errorRate !== null && m.errorRate !== undefined && m.errorRate <= spec.threshold
      : (m.failing ?? 0) <= spec.threshold;
    return {
      ...base,
      status: ok ? 'PASS' : spec.severity === 'warn' ? 'WARN' : 'FAIL',
      failing: m.failing,
      errorRate: m.errorRate,
      detail: m.detail,
      examples: ok ? [] : (m.examples ?? []),
      elapsedMs: Date.now() - t0,
    };
  } catch (e) {
    const env = e instanceof EtlError && e.exitCode === 3;
    const message =
      e instanceof EtlError
        ? e.diagnostics.map((x) => `${x.code}: ${x.message}`).join('; ')
        : (e as Error).message;
    return {
      ...base,
      status: 'ERROR',
      detail: message,
      error: message,
      environment: env,
      examples: [],
      elapsedMs: Date.now() - t0,
    };
  }
}

function table(spec: QaCheckSpec): string {
  if (!spec.table) throw new Error(`check '${spec.name}' has no table`);
  return spec.table;
}

async function measure(spec: QaCheckSpec, drivers: CheckDrivers): Promise<Measure> {
  switch (spec.kind) {
    case 'primary-key':
      return primaryKey(await drivers.destination(spec), table(spec), spec.columns ?? []);
    case 'unique':
      return duplicates(await drivers.destination(spec), table(spec), spec.columns ?? [], false);
    case 'not-null':
      return notNull(await drivers.destination(spec), table(spec), spec.columns ?? []);
    case 'accepted-values':
      return acceptedValues(
        await drivers.destination(spec),
        table(spec),
        spec.column ?? '',
        spec.values ?? [],
      );
    case 'sql':
      return customSql(await drivers.destination(spec), spec.sql ?? '');
    case 'row-count':
      return rowCount(spec, await drivers.source(spec), await drivers.destination(spec));
    case 'column-sample':
      return columnSample(spec, await drivers.source(spec), await drivers.destination(spec));
  }
}

async function duplicates(
  d: Driver,
  tbl: string,
  columns: string[],
  withNulls: boolean,
): Promise<Measure & { failing: number }> {
  const cols = columns.map((c) => ident(d, c));
  const T = ident(d, tbl);
  const notNullWhere = cols.map((c) => `${c} IS NOT NULL`).join(' AND ');
  const grouped = `FROM ${T} WHERE ${notNullWhere} GROUP BY ${cols.join(', ')} HAVING COUNT(*) > 1`;
  const dup = await d.query(
    `SELECT COUNT(*) AS n, COALESCE(SUM(k.c), 0) AS r FROM (SELECT COUNT(*) AS c ${grouped}) k`,
  );
  const dupKeys = num(dup.rows[0]?.n);
  const dupRows = num(dup.rows[0]?.r);
  let nullRows = 0;
  if (withNulls)
    nullRows = await scalar(
      d,
      `SELECT COUNT(*) AS n FROM ${T} WHERE ${cols.map((c) => `${c} IS NULL`).join(' OR ')}`,
    );
  const failing = dupKeys + nullRows;
  const examples: Row[] = [];
  if (dupKeys > 0) {
    const r = await d.query(
      `SELECT ${cols.join(', ')}, COUNT(*) AS duplicate_count ${grouped} ORDER BY COUNT(*) DESC LIMIT ${EXAMPLES}`,
    );
    examples.push(...r.rows);
  }
  if (nullRows > 0 && examples.length < EXAMPLES) {
    const r = await d.query(
      `SELECT * FROM ${T} WHERE ${cols.map((c) => `${c} IS NULL`).join(' OR ')} LIMIT ${EXAMPLES - examples.length}`,
    );
    examples.push(...r.rows);
  }
  let detail = plural(failing, 'failing row');
  const parts: string[] = [];
  if (dupKeys > 0) parts.push(`${plural(dupKeys, 'duplicated key')} over ${plural(dupRows, 'row')}`);
  if (nullRows > 0) parts.push(`${plural(nullRows, 'row')} with a null key`);
  if (parts.length) detail += `: ${parts.join(', ')}`;
  return { failing, detail, examples };
}

function primaryKey(d: Driver, tbl: string, columns: string[]): Promise<Measure> {
  return duplicates(d, tbl, columns, true);
}

async function notNull(d: Driver, tbl: string, columns: string[]): Promise<Measure> {
  const cols = columns.map((c) => ident(d, c));
  const where = cols.map((c) => `${c} IS NULL`).join(' OR ');
  const sums = cols.map((c, i) => `SUM(CASE WHEN ${c} IS NULL THEN 1 ELSE 0 END) AS n${i}`).join(', ');
  const r = await d.query(`SELECT COUNT(*) AS n, ${sums} FROM ${ident(d, tbl)} WHERE ${where}`);
  const row = r.rows[0] ?? {};
  const failing = num(row.n);
  let detail = plural(failing, 'failing row');
  if (failing > 0) {
    const per = columns.map((c, i) => [c, num(row[`n${i}`])] as const).filter(([, n]) => n > 0);
    detail += `: nulls in ${per.map(([c, n]) => `${c} (${n})`).join(', ')}`;
  }
  const examples =
    failing > 0
      ? (await d.query(`SELECT * FROM ${ident(d, tbl)} WHERE ${where} LIMIT ${EXAMPLES}`)).rows
      : [];
  return { failing, detail, examples };
}

async function acceptedValues(
  d: Driver,
  tbl: string,
  column: string,
  values: (string | number | boolean)[],
): Promise<Measure> {
  const c = ident(d, column);
  const params = values.map((v) => (typeof v === 'boolean' ? (d.kind === 'mysql' ? Number(v) : v) : v));
  const where = `${c} IS NOT NULL AND ${c} NOT IN (${params.map((_, i) => d.placeholder(i + 1)).join(', ')})`;
  const failing = await scalar(d, `SELECT COUNT(*) AS n FROM ${ident(d, tbl)} WHERE ${where}`, params);
  let examples: Row[] = [];
  let detail = plural(failing, 'failing row');
  if (failing > 0) {
    examples = (
      await d.query(
        `SELECT ${c} AS value, COUNT(*) AS n FROM ${ident(d, tbl)} WHERE ${where} GROUP BY ${c} ORDER BY COUNT(*) DESC LIMIT ${EXAMPLES}`,
        params,
      )
    ).rows;
    detail += `: unexpected ${column} ${examples.map((r) => `${JSON.stringify(normalize(r.value))} (${num(r.n)})`).join(', ')}`;
  }
  return { failing, detail, examples };
}

async function customSql(d: Driver, sql: string): Promise<Measure> {
  const q = strip(sql);
  const failing = await scalar(d, `SELECT COUNT(*) AS n FROM (${q}) q`);
  const examples = failing > 0 ? (await d.query(`SELECT * FROM (${q}) q LIMIT ${EXAMPLES}`)).rows : [];
  return { failing, detail: plural(failing, 'failing row'), examples };
}

function rate(src: number, dst: number): number | null {
  if (src === 0) return dst === 0 ? 0 : null;
  return (Math.abs(src - dst) * 100) / src;
}

function pct(r: number | null | undefined): string {
  return r === null || r === undefined ? 'n/a' : `${Number(r.toFixed(2))}%`;
}

async function rowCount(spec: QaCheckSpec, src: Driver, dst: Driver): Promise<Measure> {
  let srcCount: number;
  if (spec.sourceCountSql) srcCount = await scalar(src, strip(spec.sourceCountSql));
  else if (spec.sourceTable)
    srcCount = await scalar(src, `SELECT COUNT(*) AS n FROM ${ident(src, spec.sourceTable)}`);
  else srcCount = await scalar(src, `SELECT COUNT(*) AS n FROM (${strip(spec.sourceSql ?? '')}) src`);
  const dstCount = spec.destinationSql
    ? await scalar(dst, `SELECT COUNT(*) AS n FROM (${strip(spec.destinationSql)}) dst`)
    : await scalar(dst, `SELECT COUNT(*) AS n FROM ${ident(dst, table(spec))}`);
  const errorRate = rate(srcCount, dstCount);
  return {
    errorRate,
    detail: `source ${srcCount}, destination ${dstCount}, error rate ${pct(errorRate)}${errorRate === null ? ' (source is empty)' : ''}, tolerance ${spec.threshold}%`,
    examples: [{ source_count: srcCount, destination_count: dstCount }],
  };
}

/** A value as text that compares equal across engines (numeric text, dates, booleans). */
export function normalize(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date)
    return v
      .toISOString()
      .replace('T', ' ')
      .replace(/\.000Z$|Z$/, '');
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (Buffer.isBuffer(v)) return v.toString('hex');
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  if (/^-?\d+\.\d+$/.test(s)) return s.replace(/0+$/, '').replace(/\.$/, '');
  return s;
}

function lowerMap(row: Row): Map<string, string> {
  return new Map(Object.keys(row).map((k) => [k.toLowerCase(), k]));
}

async function columnSample(spec: QaCheckSpec, src: Driver, dst: Driver): Promise<Measure> {
  const n = spec.sampleSize ?? 100;
  const tail = spec.sqlTail
    ? spec.sqlTail.split(LIMIT_PLACEHOLDER).join(String(n))
    : `ORDER BY ${src.kind === 'mysql' ? 'RAND()' : 'RANDOM()'} LIMIT ${n}`;
  const sample = (await src.query(`SELECT * FROM (${strip(spec.sourceSql ?? '')}) origin ${tail}`)).rows;
  if (sample.length === 0) return { errorRate: 0, detail: 'source sample is empty, nothing to compare' };
  const destFrom = spec.destinationSql ? `(${strip(spec.destinationSql)}) d` : ident(dst, table(spec));
  // Key columns by name (to find them in rows) and as SQL.
  let keys = (spec.keyColumns ?? []).map(columnName);
  let keySql = (spec.keyColumns ?? []).map((k) => ident(dst, k));
  // Dataduct's destination_sql form: key columns first, the compared (merged) value last.
  let mergedColumn: string | undefined;
  if (keys.length === 0) {
    const probe = await dst.query(`SELECT * FROM ${destFrom} LIMIT 0`);
    const names = probe.fields.map((f) => f.name);
    if (names.length < 2)
      throw new Error('destination_sql must return the key columns and then the compared value');
    keys = names.slice(0, -1);
    keySql = keys.map((k) => dst.quoteIdent(k));
    mergedColumn = names[names.length - 1];
  }
  const srcCols = lowerMap(sample[0]);
  for (const k of keys)
    if (!srcCols.has(k.toLowerCase())) throw new Error(`the source query does not return key column '${k}'`);
  const keyOf = (row: Row, map: Map<string, string>): string =>
    JSON.stringify(keys.map((k) => normalize(row[map.get(k.toLowerCase()) ?? k])));
  // Fetch the destination rows of the sampled keys (params, so any key type works).
  const params: unknown[] = [];
  const ph = (v: unknown): string => {
    params.push(v instanceof Date ? normalize(v) : v);
    return dst.placeholder(params.length);
  };
  const keyIdents = keySql.map((k) => (spec.destinationSql ? `d.${k}` : k));
  const where =
    keys.length === 1
      ? `${keyIdents[0]} IN (${sample.map((r) => ph(r[srcCols.get(keys[0].toLowerCase())!])).join(', ')})`
      : sample
          .map(
            (r) =>
              `(${keys.map((k, i) => `${keyIdents[i]} = ${ph(r[srcCols.get(k.toLowerCase())!])}`).join(' AND ')})`,
          )
          .join(' OR ');
  const destRows = (await dst.query(`SELECT * FROM ${destFrom} WHERE ${where}`, params)).rows;
  const dstCols = destRows[0] ? lowerMap(destRows[0]) : new Map<string, string>();
  const byKey = new Map(destRows.map((r) => [keyOf(r, dstCols), r]));
  const keySet = new Set(keys.map((k) => k.toLowerCase()));
  const compared = [...srcCols.keys()].filter(
    (c) => !keySet.has(c) && (mergedColumn !== undefined || dstCols.size === 0 || dstCols.has(c)),
  );
  let observed = 0;
  let mismatches = 0;
  const examples: Row[] = [];
  for (const s of sample) {
    const d = byKey.get(keyOf(s, srcCols));
    if (!d) continue;
    observed++;
    const diffs: string[] = [];
    if (mergedColumn !== undefined) {
      const merged = compared.map((c) => normalize(s[srcCols.get(c)!]) ?? '').join('');
      const other = normalize(d[dstCols.get(mergedColumn.toLowerCase()) ?? mergedColumn]) ?? '';
      if (merged !== other)
        diffs.push(`${mergedColumn}: source ${JSON.stringify(merged)}, destination ${JSON.stringify(other)}`);
    } else {
      for (const c of compared) {
        const a = normalize(s[srcCols.get(c)!]);
        const b = normalize(d[dstCols.get(c)!]);
        if (a !== b) diffs.push(`${c}: source ${JSON.stringify(a)}, destination ${JSON.stringify(b)}`);
      }
    }
    if (diffs.length > 0) {
      mismatches++;
      if (examples.length < EXAMPLES) {
        const key: Row = {};
        for (const k of keys) key[k] = normalize(s[srcCols.get(k.toLowerCase())!]);
        examples.push({ ...key, differences: diffs.join('; ') });
      }
    }
  }
  const missing = sample.length - observed;
  if (observed === 0) {
    return {
      errorRate: null,
      detail: `none of the ${sample.length} sampled keys is in the destination`,
      examples: sample
        .slice(0, EXAMPLES)
        .map((r) => Object.fromEntries(keys.map((k) => [k, normalize(r[srcCols.get(k.toLowerCase())!])]))),
    };
  }
  const errorRate = (mismatches * 100) / observed;
  return {
    errorRate,
    detail:
      `${plural(mismatches, 'mismatched row')} of ${observed} compared, error rate ${pct(errorRate)}, tolerance ${spec.threshold}%` +
      (missing > 0
        ? `; ${missing} sampled ${missing === 1 ? 'key is' : 'keys are'} not in the destination (ignored)`
        : ''),
    examples,
  };
}
