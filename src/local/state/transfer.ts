/**
 * `etlctl state migrate|export|import` (issue 15): a state store's schema brought to this
 * etlctl's version, and its whole history moved between the embedded SQLite store and a shared
 * PostgreSQL one, either way. Both stores have the same tables and columns (pg-schema.ts mirrors
 * schema.ts), so rows move unchanged, ids included: attempts keep pointing at their instances
 * and log paths, runs at their instances. An export is NDJSON (a header line, then one line per
 * row, parents first) or one JSON document; import takes either and refuses a store that already
 * has history unless forced (which replaces it).
 */
import { readFileSync } from 'node:fs';
import type { Diagnostic } from '../../diagnostics/index.js';
import { EtlError, ExitCode, diag } from '../../diagnostics/index.js';
import { STATE_TABLES } from './pg-schema.js';
import type { StateTable } from './pg-schema.js';
import type { StateStore } from './store.js';

export type Row = Record<string, unknown>;
export type Tables = Record<StateTable, Row[]>;
export type ExportFormat = 'ndjson' | 'json';

/** The first NDJSON line, and the JSON document without its tables. */
export interface DumpHeader {
  etlctl_state: 1;
  /** The exporting store's schema version. */
  schema_version: number;
  exported_at: string;
  /** Where it came from (a file path or a redacted URL). */
  source: string;
  kind: 'sqlite' | 'postgres';
}

/** Tables with a generated id: their sequences follow the imported ids. */
const SERIAL: ReadonlySet<StateTable> = new Set(['runs', 'instances', 'attempts', 'actions']);

interface Raw {
  kind: 'sqlite' | 'postgres';
  version(): Promise<number>;
  rows(table: StateTable): Promise<Row[]>;
  /** Rows in any of the tables. */
  count(): Promise<number>;
  /** In one transaction: empty every table (children first), insert the rows, fix sequences. */
  replace(tables: Tables): Promise<void>;
}

/** The store's tables as plain rows, through the connection each store exposes for this. */
async function raw(store: StateStore): Promise<Raw> {
  const { SqliteStateStore } = await import('./sqlite.js');
  if (store instanceof SqliteStateStore) {
    const db = store.db;
    const tableRows = (t: StateTable) => db.prepare(`SELECT * FROM ${t} ORDER BY rowid`).all() as Row[];
    return {
      kind: 'sqlite',
      version: async () =>
        (db.prepare('SELECT version FROM schema_version').get() as { version: number }).version,
      rows: async (t) => tableRows(t),
      count: async () =>
        STATE_TABLES.reduce(
          (n, t) => n + (db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n,
          0,
        ),
      replace: async (tables) => {
        db.transaction(() => {
          for (const t of [...STATE_TABLES].reverse()) db.prepare(`DELETE FROM ${t}`).run();
          for (const t of STATE_TABLES) {
            for (const row of tables[t]) {
              const cols = Object.keys(row);
              db.prepare(
                `INSERT INTO ${t} (${cols.map((c) => `"${c}"`).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
              ).run(...cols.map((c) => row[c] as never));
            }
          }
        })();
      },
    };
  }
  const { PgStateStore } = await import('./postgres.js');
  if (!(store instanceof PgStateStore)) throw new Error('state transfer: unknown store');
  const pool = store.pool;
  return {
    kind: 'postgres',
    version: () => store.schemaVersion(),
    rows: async (t) => {
      const order =
        t === 'pipelines' ? 'name COLLATE "C"' : t === 'definitions' ? 'pipeline COLLATE "C", version' : 'id';
      return (await pool.query<Row>(`SELECT * FROM ${t} ORDER BY ${order}`)).rows;
    },
    count: async () => {
      const r = await pool.query<{ n: number }>(
        `SELECT (${STATE_TABLES.map((t) => `(SELECT COUNT(*) FROM ${t})`).join(' + ')})::int AS n`,
      );
      return r.rows[0].n;
    },
    replace: async (tables) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(`TRUNCATE ${STATE_TABLES.join(', ')}`);
        for (const t of STATE_TABLES) {
          const rows = tables[t];
          // Batches well under PostgreSQL's 65,535 parameters per statement.
          for (let at = 0; at < rows.length; at += 500) {
            const batch = rows.slice(at, at + 500);
            const cols = Object.keys(batch[0]);
            const values: unknown[] = [];
            const tuples = batch.map((row) => {
              const start = values.length;
              for (const c of cols) values.push(row[c] ?? null);
              return `(${cols.map((_, k) => `$${start + k + 1}`).join(', ')})`;
            });
            await client.query(
              `INSERT INTO ${t} (${cols.map((c) => `"${c}"`).join(', ')}) VALUES ${tuples.join(', ')}`,
              values,
            );
          }
          if (SERIAL.has(t))
            await client.query(
              `SELECT setval(pg_get_serial_sequence('${t}', 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM ${t}`,
            );
        }
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    },
  };
}

export interface ExportResult {
  store: string;
  kind: 'sqlite' | 'postgres';
  schemaVersion: number;
  format: ExportFormat;
  /** Rows per table. */
  rows: Record<StateTable, number>;
}

/** Every row of the store, as text in the format asked for. */
export async function exportState(
  store: StateStore,
  format: ExportFormat,
): Promise<{ text: string; result: ExportResult }> {
  const r = await raw(store);
  const header: DumpHeader = {
    etlctl_state: 1,
    schema_version: await r.version(),
    exported_at: new Date().toISOString(),
    source: store.location,
    kind: r.kind,
  };
  const tables = {} as Tables;
  for (const t of STATE_TABLES) tables[t] = await r.rows(t);
  const text =
    format === 'json'
      ? JSON.stringify({ ...header, tables }, null, 2) + '\n'
      : [
          JSON.stringify(header),
          ...STATE_TABLES.flatMap((t) => tables[t].map((row) => JSON.stringify({ table: t, row }))),
          '',
        ].join('\n');
  const rows = Object.fromEntries(STATE_TABLES.map((t) => [t, tables[t].length])) as Record<
    StateTable,
    number
  >;
  return {
    text,
    result: { store: store.location, kind: r.kind, schemaVersion: header.schema_version, format, rows },
  };
}

const badFile = (file: string, why: string, line?: number): EtlError =>
  new EtlError(
    diag('ETL7815', `${file} is not an etlctl state export: ${why}`, {
      file,
      line,
      hint: 'import a file written by `etlctl state export` (NDJSON or --format json)',
    }),
    ExitCode.USAGE,
  );

/** An export file, either format, checked line by line. */
export function readExport(
  file: string,
  text = readFileSync(file, 'utf8'),
): { header: DumpHeader; tables: Tables } {
  const tables = Object.fromEntries(STATE_TABLES.map((t) => [t, [] as Row[]])) as Tables;
  const known = new Set<string>(STATE_TABLES);
  const isHeader = (h: unknown): h is DumpHeader =>
    typeof h === 'object' && h !== null && (h as DumpHeader).etlctl_state === 1;
  let whole: unknown;
  try {
    whole = JSON.parse(text);
  } catch {
    whole = undefined;
  }
  if (isHeader(whole) && typeof (whole as { tables?: unknown }).tables === 'object') {
    const given = (whole as unknown as { tables: Record<string, unknown> }).tables;
    for (const [t, rows] of Object.entries(given)) {
      if (!known.has(t) || !Array.isArray(rows)) throw badFile(file, `unknown table '${t}'`);
      tables[t as StateTable] = rows as Row[];
    }
    const { tables: _omit, ...header } = whole as DumpHeader & { tables: unknown };
    return { header, tables };
  }
  const lines = text.split('\n');
  let header: DumpHeader | undefined;
  lines.forEach((line, k) => {
    if (line.trim() === '') return;
    let doc: unknown;
    try {
      doc = JSON.parse(line);
    } catch {
      throw badFile(file, 'a line is not JSON', k + 1);
    }
    if (!header) {
      if (!isHeader(doc)) throw badFile(file, 'the first line is not an export header', k + 1);
      header = doc;
      return;
    }
    const { table, row } = doc as { table?: string; row?: Row };
    if (!table || !known.has(table) || typeof row !== 'object' || row === null)
      throw badFile(file, `expected {"table": …, "row": {…}}`, k + 1);
    tables[table as StateTable].push(row);
  });
  if (!header) throw badFile(file, 'it is empty');
  return { header, tables };
}

export interface ImportResult {
  store: string;
  kind: 'sqlite' | 'postgres';
  file: string;
  /** Rows per table now in the store. */
  rows: Record<StateTable, number>;
  /** History the store had and --force replaced (rows). */
  replaced: number;
}

/** Replace the store's (empty, or with `force` any) history by the export's. */
export async function importState(
  store: StateStore,
  file: string,
  opts: { force?: boolean; text?: string },
): Promise<ImportResult> {
  const dump = readExport(file, opts.text);
  const r = await raw(store);
  const ours = await r.version();
  // Columns of a newer store may be unknown here; an older export's are all known (migrations add).
  if (dump.header.schema_version > ours && dump.header.kind === r.kind) {
    throw new EtlError(
      diag(
        'ETL7816',
        `${file} was exported from a newer state store (schema ${dump.header.schema_version}; this etlctl writes ${ours})`,
        {
          hint: 'import it with the etlctl that exported it, or upgrade etlctl here',
        },
      ),
      ExitCode.USAGE,
    );
  }
  const existing = await r.count();
  if (existing > 0 && !opts.force) {
    const problem: Diagnostic = diag(
      'ETL7814',
      `${store.location} already holds history (${existing} rows); import would replace it`,
      {
        hint: 'import into an empty store, or pass --force to replace what is there',
      },
    );
    throw new EtlError(problem, ExitCode.USAGE);
  }
  await r.replace(dump.tables);
  const rows = Object.fromEntries(STATE_TABLES.map((t) => [t, dump.tables[t].length])) as Record<
    StateTable,
    number
  >;
  return { store: store.location, kind: r.kind, file, rows, replaced: existing };
}

export interface MigrateResult {
  store: string;
  kind: 'sqlite' | 'postgres';
  /** Schema version before (0: the store did not exist) and after. */
  from: number;
  to: number;
}

/** Report a store's schema version after opening it (which creates or migrates it). */
export async function storeVersion(
  store: StateStore,
): Promise<{ kind: 'sqlite' | 'postgres'; version: number }> {
  const r = await raw(store);
  return { kind: r.kind, version: await r.version() };
}

/** Which store a `state` command works on: `--state-dir` (SQLite), `--state-url`, else the config's. */
export interface StoreChoice {
  /** A state directory: its SQLite store, whatever the config or environment say. */
  stateDir?: string;
  /** A shared store URL (postgres://…). */
  url?: string;
  mode?: string;
  configPath?: string;
}

async function chosen(c: StoreChoice): Promise<{ stateDir: string; url?: string; sqliteOnly: boolean }> {
  if (c.stateDir) return { stateDir: c.stateDir, sqliteOnly: true };
  const { loadConfig } = await import('../../config/load.js');
  const { stateDirOf } = await import('../activate.js');
  const config = loadConfig({ configPath: c.configPath, mode: c.mode });
  return { stateDir: stateDirOf(config), url: c.url ?? config.local.stateUrl, sqliteOnly: false };
}

/** Open the chosen store (created or migrated to this etlctl's schema on the way). */
export async function openChosen(c: StoreChoice): Promise<StateStore> {
  const where = await chosen(c);
  if (where.sqliteOnly) {
    const { SqliteStateStore } = await import('./sqlite.js');
    return SqliteStateStore.open(where.stateDir);
  }
  const { openStateStore } = await import('./open.js');
  return openStateStore({ stateDir: where.stateDir, url: where.url });
}

/** The schema version a store has before it is opened (0: not created yet). */
async function versionBefore(c: StoreChoice): Promise<number> {
  const where = await chosen(c);
  const { stateUrlFor } = await import('./open.js');
  const url = where.sqliteOnly ? undefined : stateUrlFor(where.stateDir, where.url);
  if (!url) {
    const { existsSync } = await import('node:fs');
    const { join } = await import('node:path');
    const file = join(where.stateDir, 'state.db');
    if (!existsSync(file)) return 0;
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(file, { readonly: true });
    try {
      return (
        (db.prepare('SELECT version FROM schema_version').get() as { version: number } | undefined)
          ?.version ?? 0
      );
    } catch {
      return 0;
    } finally {
      db.close();
    }
  }
  const { parseStateUrl } = await import('./postgres.js');
  const pg = (await import('pg')).default;
  const { connectionString, schema } = parseStateUrl(url);
  const client = new pg.Client({ connectionString });
  try {
    await client.connect();
    const r = await client.query<{ version: number }>(
      `SELECT version FROM ${schema}.schema_version WHERE to_regclass('${schema}.schema_version') IS NOT NULL`,
    );
    return r.rows[0]?.version ?? 0;
  } catch {
    // Unreachable: opening the store says so with its own diagnostic.
    return 0;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** `state migrate`: create the store or bring its schema to this etlctl's version. */
export async function migrateState(c: StoreChoice): Promise<MigrateResult> {
  const from = await versionBefore(c);
  const store = await openChosen(c);
  try {
    const { kind, version } = await storeVersion(store);
    return { store: store.location, kind, from, to: version };
  } finally {
    await store.close();
  }
}
