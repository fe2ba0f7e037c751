/** PostgreSQL through pg; bulk data through COPY with pg-copy-streams (backpressure via pipeline). */
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PgTextToTsv } from '../tsv.js';
import {
  connectError,
  quoteQualifiedWith,
  redactUrl,
  sqlError,
  stripTrailingSemicolons,
  SessionDriver,
} from './common.js';
import type { CopyInOptions, Driver, OpenDriverOptions, QueryResult } from './types.js';

export function pgQuoteIdent(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}

export function pgColumnList(columns: readonly string[] | undefined, quote: (s: string) => string): string {
  return columns && columns.length ? ` (${columns.map(quote).join(', ')})` : '';
}

export async function openPostgres(url: string, opts: OpenDriverOptions): Promise<Driver> {
  const displayUrl = redactUrl(url);
  const client = new pg.Client({
    connectionString: url.replace(/^postgresql:/i, 'postgres:'),
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 10_000,
    // Redshift sessions run in UTC; so do ours, so timestamptz text is the same everywhere.
    options: '-c TimeZone=UTC',
  });
  // An idle client whose server goes away emits 'error'; without a listener that would crash.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (e) {
    throw connectError(displayUrl, e);
  }
  return new PostgresDriver(client, displayUrl);
}

/** Identifier quoting and placeholders shared by the PostgreSQL and PGlite drivers. */
export abstract class PostgresDialect extends SessionDriver {
  quoteIdent(name: string): string {
    return pgQuoteIdent(name);
  }

  quoteQualified(name: string): string {
    return quoteQualifiedWith(name, pgQuoteIdent, '"');
  }

  placeholder(i: number): string {
    return `$${i}`;
  }
}

class PostgresDriver extends PostgresDialect implements Driver {
  readonly kind = 'postgres' as const;
  constructor(
    private readonly client: pg.Client,
    readonly displayUrl: string,
  ) {
    super();
  }

  async query(sql: string, params?: readonly unknown[]): Promise<QueryResult> {
    try {
      const out: pg.QueryResult | pg.QueryResult[] = await this.client.query(
        sql,
        params as unknown[] | undefined,
      );
      // A multi-statement string (simple protocol) answers with one result per statement.
      const res = Array.isArray(out) ? out[out.length - 1] : out;
      return {
        rows: res.rows,
        fields: (res.fields ?? []).map((f: pg.FieldDef) => ({ name: f.name, type: String(f.dataTypeID) })),
        rowCount: res.rowCount ?? res.rows.length,
      };
    } catch (e) {
      throw sqlError('PostgreSQL', sql, e);
    }
  }

  async copyIn(
    table: string,
    columns: readonly string[] | undefined,
    tsv: Readable,
    opts: CopyInOptions = {},
  ): Promise<number> {
    const sql = `COPY ${this.quoteQualified(table)}${pgColumnList(columns, pgQuoteIdent)} FROM STDIN${opts.freeze ? ' WITH (FREEZE)' : ''}`;
    const stream = this.client.query(copyFrom(sql));
    try {
      await pipeline(tsv, stream);
    } catch (e) {
      throw sqlError('PostgreSQL', sql, e);
    }
    return stream.rowCount ?? 0;
  }

  async copyOut(selectQuery: string, tsv: Writable, opts: { end?: boolean } = {}): Promise<number> {
    const sql = `COPY (${stripTrailingSemicolons(selectQuery)}) TO STDOUT`;
    const stream = this.client.query(copyTo(sql));
    try {
      await pipeline(stream, new PgTextToTsv(), tsv, { end: opts.end ?? false });
    } catch (e) {
      throw sqlError('PostgreSQL', sql, e);
    }
    return stream.rowCount ?? 0;
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => {});
  }
}
