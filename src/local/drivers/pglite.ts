/**
 * Embedded PostgreSQL (PGlite). Loads go through `COPY … FROM '/dev/blob'` one batch of whole
 * records at a time (PGlite's COPY reads a Blob, so a bounded batch keeps memory flat while
 * staying far faster than INSERTs); extracts FETCH from a cursor with every column left as the
 * server's text output, which is exactly what COPY would print.
 */
import { mkdir, readdir } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { PGlite as PGliteType } from '@electric-sql/pglite';
import { encodeTsvRow, recordBatches } from '../tsv.js';
import { connectError, redactUrl, sqlError, stripTrailingSemicolons } from './common.js';
import { pgColumnList, pgQuoteIdent, PostgresDialect } from './postgres.js';
import type { CopyInOptions, Driver, OpenDriverOptions, QueryResult } from './types.js';

const BATCH_BYTES = 8 * 1024 * 1024;
const FETCH_ROWS = 5000;

/** The data directory a pglite:// URL names, or undefined for pglite://memory. */
export function pgliteDataDir(url: string): string | undefined {
  const rest = url.replace(/^pglite:\/\//i, '');
  if (rest === '' || rest === 'memory' || rest === 'memory://') return undefined;
  return isAbsolute(rest) ? rest : resolve(rest);
}

async function isNewDir(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch {
    return true;
  }
}

export async function openPglite(url: string, opts: OpenDriverOptions): Promise<Driver> {
  const displayUrl = redactUrl(url);
  const dataDir = pgliteDataDir(url);
  const fresh = dataDir === undefined || (await isNewDir(dataDir));
  let db: PGliteType;
  try {
    if (dataDir) await mkdir(dataDir, { recursive: true });
    const { PGlite } = await import('@electric-sql/pglite');
    db = await PGlite.create(dataDir);
  } catch (e) {
    throw connectError(displayUrl, e);
  }
  const driver = new PgliteDriver(db, displayUrl);
  // Redshift sessions run in UTC; so do the engine's.
  await driver.exec("SET TimeZone = 'UTC'");
  if (fresh && opts.seedSql) {
    try {
      await driver.exec(opts.seedSql);
    } catch (e) {
      await driver.close();
      throw e;
    }
  }
  return driver;
}

class PgliteDriver extends PostgresDialect implements Driver {
  readonly kind = 'pglite' as const;
  private cursorSeq = 0;

  constructor(
    private readonly db: PGliteType,
    readonly displayUrl: string,
  ) {
    super();
  }

  async query(sql: string, params?: readonly unknown[]): Promise<QueryResult> {
    try {
      const res = await this.db.query<Record<string, unknown>>(sql, params as unknown[] | undefined);
      return {
        rows: res.rows,
        fields: res.fields.map((f) => ({ name: f.name, type: String(f.dataTypeID) })),
        rowCount: res.affectedRows ?? res.rows.length,
      };
    } catch (e) {
      throw sqlError('PGlite', sql, e);
    }
  }

  override async exec(sql: string): Promise<void> {
    try {
      await this.db.exec(sql);
    } catch (e) {
      throw sqlError('PGlite', sql, e);
    }
  }

  async copyIn(
    table: string,
    columns: readonly string[] | undefined,
    tsv: Readable,
    opts: CopyInOptions = {},
  ): Promise<number> {
    const sql = `COPY ${this.quoteQualified(table)}${pgColumnList(columns, pgQuoteIdent)} FROM '/dev/blob'${opts.freeze ? ' WITH (FREEZE)' : ''}`;
    let total = 0;
    const load = async () => {
      for await (const batch of recordBatches(tsv, BATCH_BYTES)) {
        const res = await this.db.query(sql, [], { blob: new Blob([batch]) });
        total += res.affectedRows ?? 0;
      }
    };
    try {
      // Several COPY batches must land together or not at all.
      if (this.inTransaction) await load();
      else await this.transaction(load);
    } catch (e) {
      tsv.destroy();
      throw sqlError('PGlite', sql, e);
    }
    return total;
  }

  async copyOut(selectQuery: string, tsv: Writable, opts: { end?: boolean } = {}): Promise<number> {
    const query = stripTrailingSemicolons(selectQuery);
    const cursor = `etlctl_out_${++this.cursorSeq}`;
    let rows = 0;
    const run = async () => {
      await this.db.query(`DECLARE ${cursor} NO SCROLL CURSOR FOR ${query}`);
      // Leave every column as the server's text: same bytes COPY would write, no JS rounding.
      // FETCH 0 before the first row returns no rows but describes the columns.
      const described = await this.db.query(`FETCH FORWARD 0 FROM ${cursor}`);
      const parsers: Record<number, (v: string) => string> = {};
      for (const f of described.fields) parsers[f.dataTypeID] = (v: string) => v;
      for (;;) {
        const res = await this.db.query<unknown[]>(`FETCH ${FETCH_ROWS} FROM ${cursor}`, [], {
          rowMode: 'array',
          parsers,
        });
        if (res.rows.length === 0) break;
        let chunk = '';
        for (const r of res.rows) chunk += encodeTsvRow(r as (string | null)[]);
        rows += res.rows.length;
        if (!tsv.write(chunk)) await new Promise<void>((r) => tsv.once('drain', r));
        if (res.rows.length < FETCH_ROWS) break;
      }
      await this.db.query(`CLOSE ${cursor}`);
    };
    try {
      if (this.inTransaction) await run();
      else await this.transaction(run);
    } catch (e) {
      throw sqlError('PGlite', query, e);
    }
    if (opts.end) tsv.end();
    return rows;
  }

  async close(): Promise<void> {
    if (!this.db.closed) await this.db.close();
  }
}
