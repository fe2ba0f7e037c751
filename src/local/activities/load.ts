/**
 * Atomic table loads shared by RedshiftCopyActivity, CopyActivity and COPY statements in
 * scripts, each inside one transaction — a bad row, a failed merge or a killed process leaves the
 * target exactly as it was. TRUNCATE and APPEND into Postgres COPY straight into the target
 * (after a TRUNCATE in the same transaction); the upsert modes, transformSql, TRUNCATECOLUMNS and
 * MySQL targets load a temporary staging table first, then one merge statement moves the rows.
 */
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { diag, EtlError } from '../../diagnostics.js';
import type { MarkCommit } from '../commits.js';
import type { Driver } from '../drivers/types.js';
import { translateStatement, type TargetKind } from '../translate.js';
import type { TableInfo } from './data.js';
import { progressCounter, tableInfo } from './data.js';

export type InsertMode = 'KEEP_EXISTING' | 'OVERWRITE_EXISTING' | 'TRUNCATE' | 'APPEND';
export const INSERT_MODES: readonly InsertMode[] = [
  'KEEP_EXISTING',
  'OVERWRITE_EXISTING',
  'TRUNCATE',
  'APPEND',
];

export interface LoadRequest {
  driver: Driver;
  /** Target table, possibly schema-qualified. */
  table: string;
  mode: InsertMode;
  /** Engine TSV, one record per target column (in `columns` order when given). */
  tsv: Readable;
  /** File columns; default: every non-generated column of the table in order. */
  columns?: string[];
  /** Merge key; default: the table's primary key from the catalog. */
  primaryKeys?: string[];
  /** Cut values longer than their column (TRUNCATECOLUMNS). */
  truncateColumns?: boolean;
  /** A SELECT over the table `staging` whose rows are loaded instead (RedshiftCopyActivity). */
  transformSql?: string;
  /** CREATE TABLE to run when the target is missing (Redshift DDL is translated). */
  createTableSql?: string;
  /** createTableSql/transformSql are Redshift SQL (translated); false for native RDS SQL. */
  redshiftSql?: boolean;
  /** For messages: the object loading. */
  who: string;
  translations: string[];
  progress?: (rows: number, bytes?: number) => void;
  /** Records the load's commit (exactly-once marker) inside the load's transaction. */
  mark?: MarkCommit;
}

const NON_EQUALITY_TYPES = /^(json|xml|point|line|lseg|box|path|polygon|circle)\b/i;
const BOUNDED_TEXT = /^(character varying|varchar|character|char|bpchar)\s*\(\d+\)/i;

function loadError(code: string, message: string, hint?: string): EtlError {
  return new EtlError(diag(code, message, { hint }));
}

/** Loads and merges; resolves with the number of rows read from the input. */
export async function atomicLoad(req: LoadRequest): Promise<number> {
  const { driver } = req;
  let info: TableInfo = await tableInfo(driver, req.table);
  if (!info.exists) {
    if (!req.createTableSql) {
      throw loadError(
        'ETL7202',
        `${req.who}: table ${req.table} does not exist on ${driver.displayUrl}`,
        'create it first, or set createTableSql on the output data node',
      );
    }
    const ddl = translateStatement(
      req.createTableSql,
      driver.kind as TargetKind,
      req.translations,
      `${req.who} createTableSql`,
      req.redshiftSql ?? true,
    );
    await driver.exec(ddl);
    info = await tableInfo(driver, req.table);
  }
  const byName = new Map(info.columns.map((c) => [c.name, c]));
  const columns = req.columns ?? info.columns.filter((c) => !c.generated).map((c) => c.name);
  for (const c of columns) {
    if (!byName.has(c)) throw loadError('ETL7202', `${req.who}: table ${req.table} has no column ${c}`);
  }
  const keys = req.primaryKeys?.length ? req.primaryKeys : info.primaryKey;
  if ((req.mode === 'KEEP_EXISTING' || req.mode === 'OVERWRITE_EXISTING') && keys.length === 0) {
    throw loadError(
      'ETL7203',
      `${req.who}: insertMode ${req.mode} needs a primary key, and ${req.table} has none`,
      'add a PRIMARY KEY to the table, set primaryKeys on the RedshiftDataNode, or use APPEND/TRUNCATE',
    );
  }
  for (const k of keys) {
    if (!columns.includes(k))
      throw loadError('ETL7203', `${req.who}: primary key column ${k} is not loaded into ${req.table}`);
  }

  const q = (n: string) => driver.quoteIdent(n);
  const target = driver.quoteQualified(req.table);
  const stageName = req.transformSql ? 'staging' : `etlctl_stage_${process.pid}_${Date.now() % 1e8}`;
  const stage = q(stageName);
  const mysql = driver.kind === 'mysql';
  const cutColumns = new Set<string>();

  let counted: Readable = req.tsv;
  if (req.progress) {
    const counter = progressCounter(req.progress);
    pipeline(req.tsv, counter).catch(() => {});
    counted = counter;
  }

  const needsCut =
    !!req.truncateColumns && !mysql && columns.some((c) => BOUNDED_TEXT.test(byName.get(c)!.type));
  if (!mysql && !req.transformSql && !needsCut && (req.mode === 'TRUNCATE' || req.mode === 'APPEND')) {
    return directLoad(req, target, columns, counted);
  }

  return driver.transaction(async (tx) => {
    if (mysql) {
      await tx.exec(`CREATE TEMPORARY TABLE ${stage} LIKE ${target}`);
    } else {
      await tx.exec(`CREATE TEMPORARY TABLE ${stage} (LIKE ${target} INCLUDING DEFAULTS)`);
      if (req.truncateColumns) {
        for (const c of columns) {
          if (BOUNDED_TEXT.test(byName.get(c)!.type)) {
            cutColumns.add(c);
            await tx.exec(`ALTER TABLE ${stage} ALTER COLUMN ${q(c)} TYPE text`);
          }
        }
      }
    }
    let rows: number;
    try {
      rows = await tx.copyIn(stageName, columns, counted, { allowTruncation: req.truncateColumns });
    } catch (e) {
      req.tsv.destroy();
      throw e;
    }
    req.progress?.(rows);

    // An explicit cast to varchar(n) truncates in PostgreSQL: that is TRUNCATECOLUMNS.
    const val = (alias: string, c: string) =>
      cutColumns.has(c) ? `${alias}.${q(c)}::${byName.get(c)!.type}` : `${alias}.${q(c)}`;
    const from = req.transformSql
      ? `(${translateStatement(req.transformSql, driver.kind as TargetKind, req.translations, `${req.who} transformSql`, req.redshiftSql ?? true)}) AS s`
      : `${stage} AS s`;
    const colList = columns.map(q).join(', ');
    const selectList = columns.map((c) => val('s', c)).join(', ');
    const keyMatch = keys.map((k) => `t.${q(k)} = s.${q(k)}`).join(' AND ');
    const insertNew = `INSERT INTO ${target} (${colList}) SELECT ${selectList} FROM ${from} WHERE NOT EXISTS (SELECT 1 FROM ${target} AS t WHERE ${keyMatch})`;

    if (keys.length && (req.mode === 'KEEP_EXISTING' || req.mode === 'OVERWRITE_EXISTING')) {
      const keyList = keys.map((k) => `s.${q(k)}`).join(', ');
      const dup = await tx.query(
        `SELECT ${keyList} FROM ${from} GROUP BY ${keyList} HAVING COUNT(*) > 1 LIMIT 1`,
      );
      if (dup.rows.length) {
        const shown = Object.entries(dup.rows[0])
          .map(([k, v]) => `${k}=${String(v)}`)
          .join(', ');
        throw loadError(
          'ETL7204',
          `${req.who}: the input has more than one row for primary key (${shown}); nothing was loaded into ${req.table}`,
        );
      }
    }

    switch (req.mode) {
      case 'APPEND':
        await tx.exec(`INSERT INTO ${target} (${colList}) SELECT ${selectList} FROM ${from}`);
        break;
      case 'TRUNCATE':
        await tx.exec(`DELETE FROM ${target}`);
        await tx.exec(`INSERT INTO ${target} (${colList}) SELECT ${selectList} FROM ${from}`);
        break;
      case 'KEEP_EXISTING':
        await tx.exec(insertNew);
        break;
      case 'OVERWRITE_EXISTING': {
        if (!mysql && !enforcedKey(info, keys)) {
          // The key is informational (a Redshift declared key) or not the table's primary key:
          // several rows may share it, so do what Redshift's merge does — the rows with a loaded
          // key go, the loaded rows come in.
          await tx.exec(`DELETE FROM ${target} AS t USING ${from} WHERE ${keyMatch}`);
          await tx.exec(`INSERT INTO ${target} (${colList}) SELECT ${selectList} FROM ${from}`);
          break;
        }
        const rest = columns.filter((c) => !keys.includes(c));
        if (rest.length) {
          if (mysql) {
            const changed = rest.map((c) => `t.${q(c)} <=> ${val('s', c)}`).join(' AND ');
            await tx.exec(
              `UPDATE ${target} AS t JOIN ${from} ON ${keyMatch} SET ${rest.map((c) => `t.${q(c)} = ${val('s', c)}`).join(', ')} WHERE NOT (${changed})`,
            );
          } else {
            const cmp = (c: string) => {
              const text = NON_EQUALITY_TYPES.test(byName.get(c)!.type);
              return text
                ? `t.${q(c)}::text IS DISTINCT FROM (${val('s', c)})::text`
                : `t.${q(c)} IS DISTINCT FROM ${val('s', c)}`;
            };
            await tx.exec(
              `UPDATE ${target} AS t SET ${rest.map((c) => `${q(c)} = ${val('s', c)}`).join(', ')} FROM ${from} WHERE ${keyMatch} AND (${rest.map(cmp).join(' OR ')})`,
            );
          }
        }
        await tx.exec(insertNew);
        break;
      }
    }
    await tx.exec(mysql ? `DROP TEMPORARY TABLE ${stage}` : `DROP TABLE ${stage}`);
    await req.mark?.(tx, rows);
    return rows;
  });
}

/** The merge key is the table's enforced primary key: at most one row per key. */
function enforcedKey(info: TableInfo, keys: readonly string[]): boolean {
  if (info.informationalKey || info.primaryKey.length !== keys.length) return false;
  return keys.every((k) => info.primaryKey.includes(k));
}

/**
 * TRUNCATE/APPEND into PostgreSQL or PGlite without a staging table: the clear and the COPY share
 * one transaction, so a failed or killed load still leaves the target as it was (TRUNCATE is
 * transactional in Postgres), but the rows are written once instead of twice.
 */
async function directLoad(
  req: LoadRequest,
  target: string,
  columns: string[],
  tsv: Readable,
): Promise<number> {
  const { driver } = req;
  let clear = `DELETE FROM ${target}`;
  let freeze = false;
  if (req.mode === 'TRUNCATE') {
    // TRUNCATE skips DELETE triggers (and fires TRUNCATE ones), fails on tables other tables'
    // foreign keys point at and needs its own privilege: in any of those cases keep DELETE, which
    // behaves as before. tgtype bits: 8 = DELETE, 32 = TRUNCATE.
    const r = await driver.query(
      `SELECT c.relkind::text AS kind, has_table_privilege(c.oid, 'TRUNCATE') AS can_truncate,
         EXISTS (SELECT 1 FROM pg_constraint f WHERE f.confrelid = c.oid AND f.contype = 'f') AS referenced,
         EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid AND NOT g.tgisinternal
                 AND (g.tgtype & 40) <> 0) AS triggers
       FROM pg_class c WHERE c.oid = to_regclass($1)`,
      [target],
    );
    const t = r.rows[0];
    if (t && t.can_truncate === true && t.referenced === false && t.triggers === false) {
      clear = `TRUNCATE TABLE ${target}`;
      // FREEZE is valid only when the table was truncated in the current (sub)transaction and
      // nothing else ran in it before; an outer script transaction may hold snapshots, so only
      // a top-level load of a plain table uses it.
      freeze = t.kind === 'r' && !driver.inTransaction;
    }
  }
  return driver.transaction(async (tx) => {
    if (req.mode === 'TRUNCATE') await tx.exec(clear);
    let rows: number;
    try {
      rows = await tx.copyIn(req.table, columns, tsv, { freeze });
    } catch (e) {
      req.tsv.destroy();
      throw e;
    }
    req.progress?.(rows);
    await req.mark?.(tx, rows);
    return rows;
  });
}

export function parseInsertMode(value: string | undefined, who: string): InsertMode {
  const m = (value ?? '').toUpperCase() as InsertMode;
  if (!INSERT_MODES.includes(m)) {
    throw loadError(
      'ETL7200',
      `${who}: insertMode '${value ?? ''}' is not one of ${INSERT_MODES.join(', ')}`,
    );
  }
  return m;
}
