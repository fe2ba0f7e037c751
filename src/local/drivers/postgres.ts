/** PostgreSQL through pg; bulk data through COPY with pg-copy-streams (backpressure via pipeline). */
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PgTextToTsv } from '../tsv.js';
import {
  CLOSE_WAIT_MS,
  connectError,
  quoteQualifiedWith,
  settlesWithin,
  redactUrl,
  sqlError,
  stripTrailingSemicolons,
  SessionDriver,
} from './common.js';
import type { CopyInOptions, Driver, OpenDriverOptions, QueryResult } from './types.js';
import { loadPg } from './pg-module.js';

export function pgQuoteIdent(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}

export function pgColumnList(columns: readonly string[] | undefined, quote: (s: string) => string): string {
  return columns && columns.length ? ` (${columns.map(quote).join(', ')})` : '';
}

export async function openPostgres(url: string, opts: OpenDriverOptions): Promise<Driver> {
  const displayUrl = redactUrl(url);
  const settings: pg.ClientConfig = {
    connectionString: url.replace(/^postgresql:/i, 'postgres:'),
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 10_000,
    // Redshift sessions run in UTC; so do ours, so timestamptz text is the same everywhere.
    options: '-c TimeZone=UTC',
  };
  const client = new (loadPg().Client)(settings);
  // An idle client whose server goes away emits 'error'; without a listener that would crash.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (e) {
    throw connectError(displayUrl, e);
  }
  return new PostgresDriver(client, displayUrl, settings);
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
    private readonly settings: pg.ClientConfig,
  ) {
    super();
  }

  /** pg_cancel_backend from a second session: the server stops the statement, not just the client. */
  async cancel(): Promise<void> {
    // pg keeps the backend's pid from the handshake; it is not in the typings.
    const pid = (this.client as unknown as { processID?: number }).processID;
    if (!pid) return;
    const other = new (loadPg().Client)({ ...this.settings, connectionTimeoutMillis: 5000 });
    other.on('error', () => {});
    try {
      await other.connect();
      await other.query('SELECT pg_cancel_backend($1)', [pid]);
    } finally {
      await other.end().catch(() => {});
    }
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
    // The server reads the goodbye only between statements: a session still busy is dropped.
    if (await settlesWithin(this.client.end(), CLOSE_WAIT_MS)) return;
    // pg's socket; internal, but the only way to drop a session that does not answer.
    (
      this.client as unknown as { connection?: { stream?: { destroy(): void } } }
    ).connection?.stream?.destroy();
  }
}
